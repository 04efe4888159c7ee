package dev.concurrencylab.experiment;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CSV download of a million-task experiment, written into a stream that only counts:
 * one line per task, every line whole, and the bytes arriving in bounded pieces rather
 * than as one document built in memory.
 */
class TimingsCsvTest {

	private static final int TASKS = 1_000_000;

	/** Every this many tasks one fails, with a message the CSV must quote. */
	private static final int FAILING_EVERY = 100_000;

	/** The most bytes one write may carry: a writer's buffer, not the whole CSV. */
	private static final int MAX_WRITE_BYTES = 256 * 1024;

	/** Fields of the header, which every row has. */
	private static final int HEADER_FIELDS = TimingsCsv.HEADER.split(",").length;

	@Test
	void aMillionTasksShouldStreamAsAHeaderAndOneWholeLinePerTask() throws Exception {
		Execution execution = finishedExecution();
		LineCountingStream csv = new LineCountingStream();

		TimingsCsv.write(execution.log(), csv);

		assertThat(csv.lines).isEqualTo(TASKS + 1);
		assertThat(csv.partialLine.size()).as("bytes after the last newline").isZero();
		assertThat(csv.firstLine).isEqualTo(TimingsCsv.HEADER);
		assertThat(csv.lastLine).startsWith((TASKS - 1) + ",SUCCEEDED,");
		assertThat(csv.misnumberedRows).as("rows not in task order").isZero();
		assertThat(csv.rowsWithoutEveryField).isZero();
		assertThat(csv.quotedRows).isEqualTo(TASKS / FAILING_EVERY);
		// At least a task number, a status and twelve commas on each row.
		assertThat(csv.bytes).isGreaterThan(20L * TASKS);
		assertThat(csv.largestWrite).isPositive().isLessThanOrEqualTo(MAX_WRITE_BYTES);
		assertThat(csv.writes).isGreaterThanOrEqualTo(csv.bytes / MAX_WRITE_BYTES);
	}

	/**
	 * A finished experiment whose tasks all ran on the test thread, one after another.
	 */
	private static Execution finishedExecution() {
		Execution execution = new Execution(new SleepWorkload(0, 1), TASKS, 1, 60_000, "lab-test-", LabClock.SYSTEM,
				new LabThreads(), null);
		for (int task = 0; task < TASKS; task++) {
			execution.queued(task);
			assertThat(execution.begin(task)).isTrue();
			if (task % FAILING_EVERY == FAILING_EVERY / 2) {
				execution.failed(task, new IllegalStateException("task " + task + " said \"no\", twice"));
			}
			else {
				execution.succeeded(task, task);
			}
		}
		execution.finish();
		assertThat(execution.progress().completed()).isEqualTo(TASKS);
		assertThat(execution.progress().failed()).isEqualTo(TASKS / FAILING_EVERY);
		return execution;
	}

	/**
	 * Keeps no more than one line: counts bytes, writes and lines, and checks each row.
	 */
	private static final class LineCountingStream extends OutputStream {

		private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();

		private long bytes;

		private long writes;

		private int largestWrite;

		private int lines;

		private int misnumberedRows;

		private int rowsWithoutEveryField;

		private int quotedRows;

		private String firstLine;

		private String lastLine;

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] buffer, int offset, int length) {
			this.writes++;
			this.bytes += length;
			this.largestWrite = Math.max(this.largestWrite, length);
			for (int i = offset; i < offset + length; i++) {
				if (buffer[i] == '\n') {
					line(this.partialLine.toString(StandardCharsets.UTF_8));
					this.partialLine.reset();
				}
				else {
					this.partialLine.write(buffer[i]);
				}
			}
		}

		private void line(String line) {
			if (this.lines == 0) {
				this.firstLine = line;
			}
			else {
				if (!line.startsWith((this.lines - 1) + ",")) {
					this.misnumberedRows++;
				}
				if (fields(line) != HEADER_FIELDS) {
					this.rowsWithoutEveryField++;
				}
				if (line.indexOf('"') >= 0) {
					this.quotedRows++;
				}
			}
			this.lastLine = line;
			this.lines++;
		}

		/** Fields of a CSV line, commas inside double quotes not counted. */
		private static int fields(String line) {
			int fields = 1;
			boolean quoted = false;
			for (int i = 0; i < line.length(); i++) {
				char c = line.charAt(i);
				if (c == '"') {
					quoted = !quoted;
				}
				else if (c == ',' && !quoted) {
					fields++;
				}
			}
			return fields;
		}

	}

}
