package dev.concurrencylab.execution;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A finished {@link TaskLog} as bytes for the store, and back: column by column, each
 * number as the zig-zag variable-length difference from the task before (times that climb
 * in small steps take one to three bytes), then deflated. A million no-op tasks take a
 * few megabytes, not a row each.
 *
 * <p>
 * Only a log whose run has ended may be written: its columns no longer change.
 */
public final class TaskLogCodec {

	private static final int MAGIC = 0x4c41_4231; // "LAB1"

	private static final int WAITING = 1;

	private static final int COMPUTING = 2;

	private static final int LOCK_WAIT = 4;

	private static final int POOL_WAIT = 8;

	private static final int PROCESSES = 16;

	/**
	 * Most tasks a stored log may claim, as a request may (a corrupt count is refused).
	 */
	private static final int MAX_TASKS = 10_000_000;

	private static final int CHUNK = 1 << 16;

	private TaskLogCodec() {
	}

	/** Writes the log, deflated, to {@code out}, which it leaves open. */
	public static void write(TaskLog log, OutputStream out) throws IOException {
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		try {
			DeflaterOutputStream deflated = new DeflaterOutputStream(nonClosing(out), deflater, CHUNK);
			Packer packer = new Packer(deflated);
			writeTo(log, packer);
			packer.flush();
			deflated.finish();
		}
		finally {
			deflater.end();
		}
	}

	/** Reads a log that {@link #write} wrote. */
	public static TaskLog read(InputStream in) throws IOException {
		Inflater inflater = new Inflater();
		try {
			return readFrom(new Unpacker(new InflaterInputStream(in, inflater, CHUNK)));
		}
		finally {
			inflater.end();
		}
	}

	private static void writeTo(TaskLog log, Packer out) throws IOException {
		int[] lockWait = log.lockWait;
		TaskLog.ProcessColumns processes = log.processes;
		int flags = ((log.waiting != null) ? WAITING : 0) | ((log.computing != null) ? COMPUTING : 0)
				| ((lockWait != null) ? LOCK_WAIT : 0) | ((log.poolWait != null) ? POOL_WAIT : 0)
				| ((processes != null) ? PROCESSES : 0);
		out.varLong(MAGIC);
		out.varLong(log.size);
		out.varLong(flags);
		out.varLong(log.servicePid);
		out.varLong(log.cpuEstimateNanos);
		out.column(log.queued);
		out.column(log.start);
		out.column(log.end);
		out.column(log.cpu);
		out.column(log.result);
		out.column(log.thread);
		for (byte state : log.state) {
			out.varLong(state);
		}
		for (short code : log.errorCode) {
			out.varLong(code);
		}
		out.column(log.waiting);
		out.column(log.computing);
		out.column(lockWait);
		out.column(log.poolWait);
		if (processes != null) {
			out.column(processes.pid);
			out.column(processes.spawn);
			out.column(processes.spawnCpu);
		}
		int messages = log.errors.size();
		out.varLong(messages);
		for (short code = 1; code <= messages; code++) {
			out.string(log.errors.message(code));
		}
		Map<Long, String> names = Map.copyOf(log.platformThreadNames);
		out.varLong(names.size());
		for (Map.Entry<Long, String> name : names.entrySet()) {
			out.varLong(name.getKey());
			out.string(name.getValue());
		}
	}

	private static TaskLog readFrom(Unpacker in) throws IOException {
		if (in.varLong() != MAGIC) {
			throw new IOException("not a stored task log");
		}
		long size = in.varLong();
		if (size < 0 || size > MAX_TASKS) {
			throw new IOException("a stored task log claims " + size + " tasks");
		}
		int flags = (int) in.varLong();
		TaskLog log = new TaskLog((int) size, (flags & WAITING) != 0, (flags & COMPUTING) != 0,
				(flags & POOL_WAIT) != 0);
		log.servicePid = in.varLong();
		log.cpuEstimateNanos = in.varLong();
		in.column(log.queued);
		in.column(log.start);
		in.column(log.end);
		in.column(log.cpu);
		in.column(log.result);
		in.column(log.thread);
		for (int task = 0; task < size; task++) {
			log.state[task] = (byte) in.varLong();
		}
		for (int task = 0; task < size; task++) {
			log.errorCode[task] = (short) in.varLong();
		}
		in.column(log.waiting);
		in.column(log.computing);
		if ((flags & LOCK_WAIT) != 0) {
			log.enableLockWaits();
			in.column(log.lockWait);
		}
		in.column(log.poolWait);
		if ((flags & PROCESSES) != 0) {
			log.enableProcesses();
			in.column(log.processes.pid);
			in.column(log.processes.spawn);
			in.column(log.processes.spawnCpu);
		}
		long messages = in.varLong();
		if (messages < 0 || messages > Short.MAX_VALUE) {
			throw new IOException("a stored task log claims " + messages + " error messages");
		}
		for (int code = 1; code <= messages; code++) {
			log.errors.restore(in.string());
		}
		long names = in.varLong();
		for (long i = 0; i < names; i++) {
			long id = in.varLong();
			String name = in.string();
			log.platformThreadNames.put(id, name);
			log.platformThreadNameBytes
				.addAndGet(TaskLog.ErrorTable.MAP_ENTRY_BYTES + TaskLog.ErrorTable.stringBytes(name));
		}
		return log;
	}

	/**
	 * Numbers as zig-zag varints (seven bits a byte, low first) into a chunk of its own,
	 * handed on a chunk at a time: a byte at a time through a buffered stream took most
	 * of the write (its lock and bounds check per byte, measured with JFR).
	 */
	private static final class Packer {

		private final OutputStream out;

		private final byte[] chunk = new byte[CHUNK];

		private int position;

		Packer(OutputStream out) {
			this.out = out;
		}

		void varLong(long value) throws IOException {
			if (this.position > CHUNK - 10) {
				flush();
			}
			long zigzag = (value << 1) ^ (value >> 63);
			byte[] bytes = this.chunk;
			int at = this.position;
			while ((zigzag & ~0x7FL) != 0) {
				bytes[at++] = (byte) ((zigzag & 0x7F) | 0x80);
				zigzag >>>= 7;
			}
			bytes[at++] = (byte) zigzag;
			this.position = at;
		}

		/** A column as differences from the task before. */
		void column(long[] column) throws IOException {
			long previous = 0;
			for (long value : column) {
				varLong(value - previous);
				previous = value;
			}
		}

		void column(int[] column) throws IOException {
			if (column == null) {
				return;
			}
			long previous = 0;
			for (int value : column) {
				varLong(value - previous);
				previous = value;
			}
		}

		void string(String text) throws IOException {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			varLong(bytes.length);
			flush();
			this.out.write(bytes);
		}

		void flush() throws IOException {
			this.out.write(this.chunk, 0, this.position);
			this.position = 0;
		}

	}

	/** Reads what a {@link Packer} wrote, a chunk at a time. */
	private static final class Unpacker {

		private final InputStream in;

		private final byte[] chunk = new byte[CHUNK];

		private int position;

		private int limit;

		Unpacker(InputStream in) {
			this.in = in;
		}

		private int next() throws IOException {
			if (this.position == this.limit) {
				this.limit = this.in.readNBytes(this.chunk, 0, CHUNK);
				this.position = 0;
				if (this.limit == 0) {
					throw new EOFException("a stored task log ends early");
				}
			}
			return this.chunk[this.position++] & 0xFF;
		}

		long varLong() throws IOException {
			long zigzag = 0;
			for (int shift = 0; shift < 64; shift += 7) {
				int b = next();
				zigzag |= (long) (b & 0x7F) << shift;
				if ((b & 0x80) == 0) {
					return (zigzag >>> 1) ^ -(zigzag & 1);
				}
			}
			throw new IOException("a number in a stored task log is longer than 64 bits");
		}

		void column(long[] column) throws IOException {
			long previous = 0;
			for (int i = 0; i < column.length; i++) {
				previous += varLong();
				column[i] = previous;
			}
		}

		void column(int[] column) throws IOException {
			if (column == null) {
				return;
			}
			long previous = 0;
			for (int i = 0; i < column.length; i++) {
				previous += varLong();
				column[i] = (int) previous;
			}
		}

		String string() throws IOException {
			long length = varLong();
			if (length < 0 || length > 1 << 20) {
				throw new IOException("a string in a stored task log claims " + length + " bytes");
			}
			byte[] bytes = new byte[(int) length];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = (byte) next();
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}

	}

	private static OutputStream nonClosing(OutputStream out) {
		return new java.io.FilterOutputStream(out) {
			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				this.out.write(b, off, len);
			}

			@Override
			public void close() throws IOException {
				flush();
			}
		};
	}

}
