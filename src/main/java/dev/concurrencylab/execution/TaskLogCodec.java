package dev.concurrencylab.execution;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
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

	private TaskLogCodec() {
	}

	/** Writes the log, deflated, to {@code out}, which it leaves open. */
	public static void write(TaskLog log, OutputStream out) throws IOException {
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		try {
			DeflaterOutputStream deflated = new DeflaterOutputStream(nonClosing(out), deflater, 1 << 16);
			try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(deflated, 1 << 16))) {
				writeTo(log, data);
			}
		}
		finally {
			deflater.end();
		}
	}

	/** Reads a log that {@link #write} wrote. */
	public static TaskLog read(InputStream in) throws IOException {
		try (DataInputStream data = new DataInputStream(
				new BufferedInputStream(new InflaterInputStream(in), 1 << 16))) {
			return readFrom(data);
		}
	}

	private static void writeTo(TaskLog log, DataOutputStream out) throws IOException {
		int[] lockWait = log.lockWait;
		TaskLog.ProcessColumns processes = log.processes;
		int flags = ((log.waiting != null) ? WAITING : 0) | ((log.computing != null) ? COMPUTING : 0)
				| ((lockWait != null) ? LOCK_WAIT : 0) | ((log.poolWait != null) ? POOL_WAIT : 0)
				| ((processes != null) ? PROCESSES : 0);
		out.writeInt(MAGIC);
		out.writeInt(log.size);
		out.writeInt(flags);
		out.writeLong(log.servicePid);
		out.writeLong(log.cpuEstimateNanos);
		writeColumn(out, log.queued);
		writeColumn(out, log.start);
		writeColumn(out, log.end);
		writeColumn(out, log.cpu);
		writeColumn(out, log.result);
		writeColumn(out, log.thread);
		out.write(log.state);
		for (short code : log.errorCode) {
			writeVarLong(out, code);
		}
		writeColumn(out, log.waiting);
		writeColumn(out, log.computing);
		writeColumn(out, lockWait);
		writeColumn(out, log.poolWait);
		if (processes != null) {
			writeColumn(out, processes.pid);
			writeColumn(out, processes.spawn);
			writeColumn(out, processes.spawnCpu);
		}
		int messages = log.errors.size();
		out.writeInt(messages);
		for (short code = 1; code <= messages; code++) {
			writeString(out, log.errors.message(code));
		}
		Map<Long, String> names = Map.copyOf(log.platformThreadNames);
		out.writeInt(names.size());
		for (Map.Entry<Long, String> name : names.entrySet()) {
			out.writeLong(name.getKey());
			writeString(out, name.getValue());
		}
	}

	private static TaskLog readFrom(DataInputStream in) throws IOException {
		if (in.readInt() != MAGIC) {
			throw new IOException("not a stored task log");
		}
		int size = in.readInt();
		if (size < 0 || size > MAX_TASKS) {
			throw new IOException("a stored task log claims " + size + " tasks");
		}
		int flags = in.readInt();
		TaskLog log = new TaskLog(size, (flags & WAITING) != 0, (flags & COMPUTING) != 0, (flags & POOL_WAIT) != 0);
		log.servicePid = in.readLong();
		log.cpuEstimateNanos = in.readLong();
		readColumn(in, log.queued);
		readColumn(in, log.start);
		readColumn(in, log.end);
		readColumn(in, log.cpu);
		readColumn(in, log.result);
		readColumn(in, log.thread);
		in.readFully(log.state);
		for (int task = 0; task < size; task++) {
			log.errorCode[task] = (short) readVarLong(in);
		}
		readColumn(in, log.waiting);
		readColumn(in, log.computing);
		if ((flags & LOCK_WAIT) != 0) {
			log.enableLockWaits();
			readColumn(in, log.lockWait);
		}
		readColumn(in, log.poolWait);
		if ((flags & PROCESSES) != 0) {
			log.enableProcesses();
			readColumn(in, log.processes.pid);
			readColumn(in, log.processes.spawn);
			readColumn(in, log.processes.spawnCpu);
		}
		int messages = in.readInt();
		for (int code = 1; code <= messages; code++) {
			log.errors.restore(readString(in));
		}
		int names = in.readInt();
		for (int i = 0; i < names; i++) {
			long id = in.readLong();
			String name = readString(in);
			log.platformThreadNames.put(id, name);
			log.platformThreadNameBytes
				.addAndGet(TaskLog.ErrorTable.MAP_ENTRY_BYTES + TaskLog.ErrorTable.stringBytes(name));
		}
		return log;
	}

	private static void writeColumn(DataOutputStream out, long[] column) throws IOException {
		long previous = 0;
		for (long value : column) {
			writeVarLong(out, value - previous);
			previous = value;
		}
	}

	private static void writeColumn(DataOutputStream out, int[] column) throws IOException {
		if (column == null) {
			return;
		}
		long previous = 0;
		for (int value : column) {
			writeVarLong(out, value - previous);
			previous = value;
		}
	}

	private static void readColumn(DataInputStream in, long[] column) throws IOException {
		long previous = 0;
		for (int i = 0; i < column.length; i++) {
			previous += readVarLong(in);
			column[i] = previous;
		}
	}

	private static void readColumn(DataInputStream in, int[] column) throws IOException {
		if (column == null) {
			return;
		}
		long previous = 0;
		for (int i = 0; i < column.length; i++) {
			previous += readVarLong(in);
			column[i] = (int) previous;
		}
	}

	/** Zig-zag, then seven bits a byte, low first. */
	private static void writeVarLong(DataOutputStream out, long value) throws IOException {
		long zigzag = (value << 1) ^ (value >> 63);
		while ((zigzag & ~0x7FL) != 0) {
			out.writeByte((int) ((zigzag & 0x7F) | 0x80));
			zigzag >>>= 7;
		}
		out.writeByte((int) zigzag);
	}

	private static long readVarLong(DataInputStream in) throws IOException {
		long zigzag = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			int b = in.readUnsignedByte();
			zigzag |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return (zigzag >>> 1) ^ -(zigzag & 1);
			}
		}
		throw new IOException("a number in a stored task log is longer than 64 bits");
	}

	private static void writeString(DataOutputStream out, String text) throws IOException {
		byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static String readString(DataInputStream in) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > 1 << 20) {
			throw new IOException("a string in a stored task log claims " + length + " bytes");
		}
		return new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
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
