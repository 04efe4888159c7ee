package dev.concurrencylab.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The temporary folder of one experiment's {@code file} workload, and the I/O its tasks
 * do there. Made before the experiment's clock starts (with the file that {@code read}
 * tasks read, written and synced then) and deleted, with everything in it, by its owner
 * when the experiment ends. A worker process finds it through the system property
 * {@value #PROPERTY}.
 */
public final class FileFolder implements AutoCloseable {

	/** The worker JVM's system property naming the folder. */
	public static final String PROPERTY = "lab.file-folder";

	/** The file the {@code read} tasks read. */
	static final String INPUT = "input.bin";

	private static final int CHUNK = 64 * 1024;

	private final Path folder;

	private final boolean owner;

	private FileFolder(Path folder, boolean owner) {
		this.folder = folder;
		this.owner = owner;
	}

	/**
	 * Makes the folder of an experiment under {@code parent}, with the input file of a
	 * {@code read} workload; nothing is left behind when it fails.
	 */
	public static FileFolder create(Path parent, String name, FileWorkload workload) throws IOException {
		Path folder = Files.createTempDirectory(parent, name);
		FileFolder files = new FileFolder(folder, true);
		try {
			if (workload.op() == FileWorkload.Op.READ) {
				write(folder.resolve(INPUT), workload.sizeKiB());
			}
			return files;
		}
		catch (IOException | RuntimeException ex) {
			files.close();
			throw ex;
		}
	}

	/** A folder made by the service, as a worker process sees it: it does not own it. */
	public static FileFolder inWorker(String path) {
		return new FileFolder(Path.of(path), false);
	}

	public Path path() {
		return this.folder;
	}

	/**
	 * One task's I/O, added to its waiting phase: reads the input, or writes, forces and
	 * deletes a file of its own. Answers the CRC-32 of the bytes.
	 */
	long run(int task, FileWorkload workload, PhaseSink phases) throws IOException {
		long before = phases.nanoTime();
		try {
			if (workload.op() == FileWorkload.Op.READ) {
				return read(this.folder.resolve(INPUT));
			}
			Path own = this.folder.resolve("task-" + task + ".bin");
			try {
				return write(own, workload.sizeKiB());
			}
			finally {
				Files.deleteIfExists(own);
			}
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

	/**
	 * A {@code file} step: reads the first {@code kib} KiB of the input, added to the
	 * task's waiting phase; answers the CRC-32 of the bytes.
	 */
	long read(int task, long kib, PhaseSink phases) throws IOException {
		long before = phases.nanoTime();
		CRC32 crc = new CRC32();
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
		try (FileChannel channel = FileChannel.open(this.folder.resolve(INPUT), StandardOpenOption.READ)) {
			long left = kib * 1024;
			while (left > 0) {
				buffer.clear().limit((int) Math.min(CHUNK, left));
				int read = channel.read(buffer);
				if (read <= 0) {
					break;
				}
				crc.update(buffer.array(), 0, read);
				left -= read;
			}
			return crc.getValue();
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

	/** Deletes the folder and everything in it (a worker's view deletes nothing). */
	@Override
	public void close() {
		if (!this.owner) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.folder)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not delete " + this.folder, ex);
		}
	}

	/** Writes {@code sizeKiB} of the same bytes every time, forced to the device. */
	private static long write(Path file, long sizeKiB) throws IOException {
		CRC32 crc = new CRC32();
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			long left = sizeKiB * 1024;
			long offset = 0;
			while (left > 0) {
				int length = (int) Math.min(CHUNK, left);
				buffer.clear();
				for (int i = 0; i < length; i++) {
					buffer.put(contentAt(offset + i));
				}
				buffer.flip();
				crc.update(buffer.array(), 0, length);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				offset += length;
				left -= length;
			}
			channel.force(true);
		}
		return crc.getValue();
	}

	private static long read(Path file) throws IOException {
		CRC32 crc = new CRC32();
		ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			while (channel.read(buffer.clear()) > 0) {
				crc.update(buffer.array(), 0, buffer.position());
			}
		}
		return crc.getValue();
	}

	/**
	 * The file's content: a fixed pattern, so every mode reads and writes the same bytes.
	 */
	private static byte contentAt(long offset) {
		return (byte) ((offset * 31 + (offset >>> 8)) & 0xff);
	}

}
