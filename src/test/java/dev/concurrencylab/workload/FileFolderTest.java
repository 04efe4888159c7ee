package dev.concurrencylab.workload;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file workload's folder: made with what {@code read} tasks need, the same bytes read
 * and written (one checksum), a write's file gone after its task, the whole folder gone
 * when its owner closes it, and nothing deleted by a worker's view of it.
 */
class FileFolderTest {

	private static final PhaseSink NO_PHASES = new PhaseSink() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public void add(int task, Phase phase, long nanos) {
		}

	};

	@TempDir
	Path parent;

	@Test
	void readAndWriteShouldHandleTheSameBytesAndLeaveNothingWhenClosed() throws Exception {
		FileWorkload read = new FileWorkload(FileWorkload.Op.READ, 200);
		FileWorkload write = new FileWorkload(FileWorkload.Op.WRITE, 200);
		long readSum;
		long writeSum;
		Path folder;
		try (FileFolder files = FileFolder.create(this.parent, "lab-test-", read)) {
			folder = files.path();
			assertThat(Files.size(folder.resolve(FileFolder.INPUT))).isEqualTo(200 * 1024);
			readSum = files.run(0, read, NO_PHASES);
			writeSum = files.run(1, write, NO_PHASES);
			assertThat(folder.resolve("task-1.bin")).as("a write's own file is deleted").doesNotExist();
			// A worker's view of the folder deletes nothing.
			FileFolder.inWorker(folder.toString()).close();
			assertThat(folder).exists();
		}
		assertThat(readSum).isEqualTo(writeSum).isNotZero();
		assertThat(folder).doesNotExist();
		try (var left = Files.list(this.parent)) {
			assertThat(left).isEmpty();
		}
	}

}
