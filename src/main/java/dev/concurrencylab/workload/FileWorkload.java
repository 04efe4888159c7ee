package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Every task reads, or writes and fsyncs, {@code sizeKiB} of a file in a temporary folder
 * that the experiment owns and deletes when it ends. {@code read}: the whole of one file
 * the experiment wrote (and synced) before its clock started, most likely from the page
 * cache; {@code write}: a file of the task's own, forced to the device ({@code fsync}),
 * then deleted. The I/O is the task's {@code waiting} phase. Its result is the CRC-32 of
 * the bytes read or written, the same in every mode.
 *
 * @param op {@code read} or {@code write}
 * @param sizeKiB the bytes each task reads or writes, in KiB
 */
public record FileWorkload(Op op, long sizeKiB) implements Workload {

	static final String TYPE = "file";

	/** The largest file a task reads or writes: 64 MiB. */
	public static final long MAX_SIZE_KIB = 64 * 1024;

	/** The most bytes an experiment's tasks read or write together: 1 GiB. */
	public static final long MAX_TOTAL_KIB = 1024 * 1024;

	/** What each task does with the file. */
	public enum Op {

		/** Reads the experiment's file. */
		@JsonProperty("read")
		READ,
		/** Writes a file of its own, forces it to the device, and deletes it. */
		@JsonProperty("write")
		WRITE

	}

	@JsonCreator
	static FileWorkload of(@JsonProperty("op") Op op, @JsonProperty("sizeKiB") Long sizeKiB) {
		return new FileWorkload((op != null) ? op : Op.READ, (sizeKiB != null) ? sizeKiB : 64);
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	/** A file's I/O has no nominal time: 0. */
	@Override
	public long waitMillisPerTask() {
		return 0;
	}

	@Override
	public long iterationsPerTask() {
		return 0;
	}

}
