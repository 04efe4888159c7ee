package dev.concurrencylab.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JFR recordings of one experiment, in a folder of its own: the service JVM's
 * ({@code recording.jfr}, a {@link RunRecording} over the run's window) and those of the
 * first worker JVMs it starts ({@code worker-<pid>.jfr}, each JVM's own
 * {@code -XX:StartFlightRecording}, written when the worker exits). Owns the folder from
 * its creation to its deletion.
 *
 * <p>
 * Concurrency: the experiment's conductor starts and finishes it; its drivers ask for
 * worker options while it runs; retention and the service's shutdown may delete it at any
 * time. All of that is synchronized on this object.
 */
public final class ExperimentRecording {

	/** The service recording's file name. */
	public static final String SERVICE_FILE = "recording.jfr";

	/** The names of the files offered for download. */
	public static final Pattern FILE_NAME = Pattern.compile("recording\\.jfr|worker-\\d{1,10}\\.jfr");

	/**
	 * Pins kept for the trace at most (about 50 bytes each: their reason and frame
	 * strings are shared).
	 */
	public static final int MAX_PINNED_EVENTS = 1_000;

	/**
	 * The workers' JFR settings, {@link RunRecording#SETTINGS} as a {@code .jfc} file.
	 */
	static final String WORKER_SETTINGS = "lab.jfc";

	private static final Logger logger = LoggerFactory.getLogger(ExperimentRecording.class);

	private final String experimentId;

	private final Path folder;

	private final RecordingProperties limits;

	private RunRecording service;

	private int workersRecorded;

	private int workersNotRecorded;

	private Jfr report;

	/** The run's first pins, for its trace; read when the run ends. */
	private List<PinnedEvent> pinned = List.of();

	/** A moment on the wall clock and the same moment on the run's clock (its nanos). */
	private Instant anchorInstant;

	private long anchorNanos;

	private boolean deleted;

	ExperimentRecording(String experimentId, Path folder, RecordingProperties limits) {
		this.experimentId = experimentId;
		this.folder = folder;
		this.limits = limits;
		this.report = new Jfr("RECORDING", null, List.of(), 0, 0, null);
	}

	/** Marks this recording as one that could not start, and why. */
	synchronized void failed(String why) {
		this.report = new Jfr("FAILED", null, List.of(), 0, 0, "Nothing was recorded: " + why + ".");
	}

	/**
	 * Starts the service recording, and writes the workers' settings; a failure is
	 * reported in {@link #report}. Does nothing once deleted (a shutdown came first).
	 */
	synchronized void start() {
		if (this.deleted) {
			return;
		}
		try {
			Files.createDirectories(this.folder);
			RunRecording.writeSettings(this.folder.resolve(WORKER_SETTINGS));
			this.service = RunRecording.start("lab-experiment-" + this.experimentId, this.folder.resolve(SERVICE_FILE),
					this.limits.maxSize().toBytes());
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Experiment {}: JFR could not start recording ({})", this.experimentId, ex.toString());
			this.report = new Jfr("FAILED", null, List.of(), 0, 0,
					"JFR could not start recording: " + ex.getClass().getSimpleName());
		}
	}

	/**
	 * Ties the recording's clock (JFR's instants) to the run's: {@code runNanos} on the
	 * run's clock is {@code now}. JFR's events are placed on the run's time line from
	 * there, to within the two clocks' drift (about a millisecond).
	 */
	public synchronized void anchor(Instant now, long runNanos) {
		this.anchorInstant = now;
		this.anchorNanos = runNanos;
	}

	/**
	 * When a JFR instant was on the run's clock, in nanoseconds from its start; null
	 * before {@link #anchor}.
	 */
	public synchronized Long runNanos(Instant instant) {
		return (this.anchorInstant != null) ? this.anchorNanos + Duration.between(this.anchorInstant, instant).toNanos()
				: null;
	}

	/** The run's first pins (at most {@link #MAX_PINNED_EVENTS}), for its trace. */
	public synchronized List<PinnedEvent> pinnedEvents() {
		return this.pinned;
	}

	/**
	 * Stops the service recording at the end of the run's window; its file is written
	 * then. Does nothing when it never started or was deleted.
	 */
	public synchronized void stop() {
		if (this.deleted || this.service == null) {
			return;
		}
		try {
			this.service.stop();
		}
		catch (RuntimeException ex) {
			logger.warn("Experiment {}: its JFR recording could not be stopped ({})", this.experimentId, ex.toString());
		}
	}

	/**
	 * The JVM options of the next worker JVM this experiment starts: its own recording
	 * into this folder (its repository too, so a killed worker leaves nothing elsewhere),
	 * its start-up message on stderr, not stdout, where READY must come first; with the
	 * service's {@link RunRecording#SETTINGS}; or none past
	 * {@code lab.recording.max-workers}.
	 */
	public synchronized List<String> workerJvmOptions() {
		if (this.deleted || this.service == null || this.workersRecorded >= this.limits.maxWorkers()) {
			this.workersNotRecorded++;
			return List.of();
		}
		this.workersRecorded++;
		return List.of(
				"-XX:StartFlightRecording:filename=" + this.folder.resolve("worker-%p.jfr") + ",settings="
						+ this.folder.resolve(WORKER_SETTINGS) + ",maxsize=" + this.limits.workerMaxSize().toBytes(),
				"-XX:FlightRecorderOptions:repository=" + this.folder.resolve("worker-repository"),
				"-Xlog:jfr+startup=error:stderr");
	}

	/**
	 * Stops the service recording and reads what it says about the run: the threads of
	 * the run are those with these ids or this name prefix, within the recording's
	 * window. Then lists the files: a worker killed before it exited left an empty file
	 * (JFR writes on exit), which is removed with the workers' repository.
	 * @param threadIds the run's task threads
	 * @param threadNamePrefix the prefix of the run's named threads
	 */
	void finish(Set<Long> threadIds, String threadNamePrefix) {
		RunRecording recording;
		synchronized (this) {
			if (this.deleted || this.service == null) {
				return;
			}
			recording = this.service;
		}
		// Read without the lock (seconds for a large file), so that readers of the report
		// are not held up; published under it, unless deleted meanwhile.
		JfrSummary summary = null;
		List<PinnedEvent> pins = List.of();
		String status = "RECORDED";
		List<String> notes = new ArrayList<>();
		notes.add("Recording costs time: the timings of a recorded run include JFR's overhead, and each recorded "
				+ "worker JVM starts more slowly (spawnMillis). Compare recorded runs with recorded runs.");
		try {
			recording.close();
			Path file = recording.file();
			summary = JfrSummaries.read(file, threadIds, threadNamePrefix, recording.startedAt(),
					recording.stoppedAt());
			if (summary.pinned().count() > 0) {
				pins = JfrSummaries.pinnedEvents(file, threadIds, threadNamePrefix, recording.startedAt(),
						recording.stoppedAt(), MAX_PINNED_EVENTS);
			}
			long bytes = Files.size(file);
			if (bytes > this.limits.maxSize().toBytes()) {
				Files.deleteIfExists(file);
				notes.add(String.format(Locale.ROOT,
						"The service recording was %,d bytes, over lab.recording.max-size (%,d): it was deleted "
								+ "once summarised.",
						bytes, this.limits.maxSize().toBytes()));
			}
		}
		catch (IOException | RuntimeException ex) {
			// A truncated or unreadable file: the run's own figures stand without it.
			logger.warn("Experiment {}: its JFR recording could not be read ({})", this.experimentId, ex.toString());
			status = "FAILED";
			notes.add("The service recording could not be written or read: " + ex.getClass().getSimpleName());
		}
		synchronized (this) {
			if (this.deleted) {
				return;
			}
			removeLeftovers();
			if (this.workersNotRecorded > 0) {
				notes.add(this.workersNotRecorded + " worker JVMs past lab.recording.max-workers ("
						+ this.limits.maxWorkers() + ") did not record.");
			}
			this.pinned = pins;
			this.report = new Jfr(status, summary, files(), this.workersRecorded, this.workersNotRecorded,
					String.join(" ", notes));
		}
	}

	/** Whether its files have been deleted. */
	synchronized boolean deleted() {
		return this.deleted;
	}

	/** What the experiment's JSON shows. */
	public synchronized Jfr report() {
		return this.report;
	}

	/**
	 * A recording file of this experiment, if it is one of those offered and still
	 * exists.
	 */
	public synchronized Path file(String name) {
		if (this.deleted || this.folder == null || !FILE_NAME.matcher(name).matches()) {
			return null;
		}
		Path file = this.folder.resolve(name);
		boolean offered = this.report.files().stream().anyMatch((f) -> f.name().equals(name));
		return (offered && Files.isRegularFile(file)) ? file : null;
	}

	/** Deletes the folder and everything in it, once; the summary stays. */
	public synchronized void delete(String why) {
		if (this.deleted) {
			return;
		}
		this.deleted = true;
		if (this.service != null) {
			try {
				this.service.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the recording of experiment {} failed", this.experimentId, ex);
			}
		}
		if (this.folder != null) {
			deleteRecursively(this.folder);
		}
		if (why != null) {
			Jfr before = this.report;
			this.report = new Jfr("DELETED", before.summary(), List.of(), before.workersRecorded(),
					before.workersNotRecorded(),
					((before.note() != null) ? before.note() + " " : "") + "Its files were deleted: " + why + ".");
		}
	}

	private void removeLeftovers() {
		deleteRecursively(this.folder.resolve("worker-repository"));
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.folder, "worker-*.jfr")) {
			for (Path file : files) {
				if (Files.size(file) == 0) {
					Files.deleteIfExists(file);
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.debug("Listing the recordings of experiment {} failed", this.experimentId, ex);
		}
	}

	private List<Jfr.File> files() {
		List<Jfr.File> files = new ArrayList<>();
		try (Stream<Path> listed = Files.list(this.folder)) {
			for (Path file : listed
				.sorted(Comparator.comparing((Path p) -> !p.endsWith(SERVICE_FILE)).thenComparing(Path::toString))
				.toList()) {
				String name = file.getFileName().toString();
				if (FILE_NAME.matcher(name).matches() && Files.isRegularFile(file)) {
					files.add(new Jfr.File(name, Files.size(file),
							"/experiments/" + this.experimentId + "/recordings/" + name));
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.debug("Listing the recordings of experiment {} failed", this.experimentId, ex);
		}
		return files;
	}

	static void deleteRecursively(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			logger.warn("Could not delete {} ({})", root, ex.toString());
		}
	}

}
