package dev.concurrencylab.recording;

import java.util.List;

/**
 * An experiment's JFR recording as its JSON shows it.
 *
 * @param status {@code RECORDING} while the run goes on, {@code RECORDED} once its files
 * and summary are ready, {@code DELETED} when its files were removed (too large, or older
 * than the newest {@code lab.recording.retained}; the summary stays), {@code FAILED} when
 * JFR could not record or the file could not be read
 * @param summary what the service recording says about the run's own threads; null until
 * it is read or when it could not be
 * @param files the recordings to download: the service's, and each recorded worker JVM's
 * @param workersRecorded worker JVMs launched with a recording (process modes; at most
 * {@code lab.recording.max-workers}); one that failed to start wrote none
 * @param workersNotRecorded worker JVMs started beyond that bound, without a recording
 * @param note what to keep in mind reading the figures, and why a file is missing
 */
public record Jfr(String status, JfrSummary summary, List<File> files, int workersRecorded, int workersNotRecorded,
		String note) {

	public Jfr {
		files = List.copyOf(files);
	}

	/**
	 * One recording file.
	 *
	 * @param name its name: {@code recording.jfr} (the service) or
	 * {@code worker-<pid>.jfr}
	 * @param bytes its size
	 * @param href where to download it
	 */
	public record File(String name, long bytes, String href) {
	}

}
