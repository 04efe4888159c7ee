package dev.concurrencylab.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import jdk.jfr.Recording;

/**
 * One experiment's JFR recording of this JVM, so that a run can say what pinned, parked
 * and paused its threads.
 *
 * <p>
 * Several may run at once: each is its own {@link Recording}, but JFR records every event
 * once for the whole JVM, with the union of the running recordings' settings, and each
 * recording keeps the chunks written while it runs. A file therefore holds other threads'
 * events, events from just before its start and events under a lower threshold set by
 * another recording: {@link JfrSummaries#read} filters by thread, window and threshold.
 *
 * <p>
 * Size: {@link Recording#setMaxSize} drops the oldest whole chunks while the recording
 * holds more than {@code maxBytes} and more than one chunk. The file is therefore at most
 * {@code maxBytes}, or one chunk when a single chunk is larger: a chunk grows up to the
 * JVM's {@code maxchunksize} (12 MB unless {@code -XX:FlightRecorderOptions} says
 * otherwise, and JFR checks it only now and then, so a chunk may be a little larger) and
 * is cut when any recording starts or stops. Data dropped this way is the start of the
 * run: after a cut near its end, the file may hold only the run's last moments.
 *
 * <p>
 * JFR creates the file, empty, at {@link #start}; {@link #stop} (or JFR, when the JVM
 * exits normally first) writes the recording into it. It is never deleted here: its owner
 * deletes it.
 */
public final class RunRecording implements AutoCloseable {

	/** Parks and monitor waits shorter than this are not recorded (nor counted). */
	public static final Duration PARK_THRESHOLD = Duration.ofMillis(10);

	/** Events recorded with {@link #PARK_THRESHOLD} and a stack trace. */
	static final List<String> WAIT_EVENTS = List.of("jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait");

	/** Recorded whatever its duration, with a stack trace. */
	static final String PINNED_EVENT = "jdk.VirtualThreadPinned";

	/**
	 * The only events a lab recording holds, with their settings: an allowlist, not the
	 * JDK's "default" settings, which would also record the service's environment
	 * variables, system properties, command line and agents, the machine's processes, the
	 * files and sockets it touched (other clients' addresses) and thread dumps — none of
	 * which the lab's clients should be able to download. Pins, parks, monitor waits and
	 * sleeps with their stacks; GC; execution and allocation samples; CPU load.
	 */
	public static final Map<String, String> SETTINGS = settings();

	/** The event types of {@link #SETTINGS}. */
	public static final Set<String> EVENTS = SETTINGS.keySet()
		.stream()
		.map((key) -> key.substring(0, key.indexOf('#')))
		.collect(Collectors.toUnmodifiableSet());

	private static Map<String, String> settings() {
		Map<String, String> settings = new LinkedHashMap<>();
		BiConsumer<String, String[]> event = (name, pairs) -> {
			settings.put(name + "#enabled", "true");
			for (int i = 0; i < pairs.length; i += 2) {
				settings.put(name + "#" + pairs[i], pairs[i + 1]);
			}
		};
		String threshold = PARK_THRESHOLD.toMillis() + " ms";
		event.accept(PINNED_EVENT, new String[] { "threshold", "0 ms", "stackTrace", "true" });
		for (String wait : WAIT_EVENTS) {
			event.accept(wait, new String[] { "threshold", threshold, "stackTrace", "true" });
		}
		event.accept("jdk.ThreadSleep", new String[] { "threshold", "20 ms", "stackTrace", "true" });
		event.accept("jdk.VirtualThreadSubmitFailed", new String[] { "stackTrace", "true" });
		event.accept("jdk.GarbageCollection", new String[] { "threshold", "0 ms" });
		event.accept("jdk.GCPhasePause", new String[] { "threshold", "0 ms" });
		event.accept("jdk.GCHeapSummary", new String[0]);
		event.accept("jdk.ExecutionSample", new String[] { "period", "20 ms" });
		event.accept("jdk.NativeMethodSample", new String[] { "period", "20 ms" });
		event.accept("jdk.ObjectAllocationSample", new String[] { "throttle", "150/s", "stackTrace", "true" });
		event.accept("jdk.CPULoad", new String[] { "period", "1000 ms" });
		event.accept("jdk.ThreadCPULoad", new String[] { "period", "10 s" });
		event.accept("jdk.CPUInformation", new String[] { "period", "beginChunk" });
		return Collections.unmodifiableMap(settings);
	}

	/**
	 * Writes {@link #SETTINGS} as a {@code .jfc} file, for a JVM that records from its
	 * command line ({@code -XX:StartFlightRecording:settings=<file>}).
	 */
	public static void writeSettings(Path jfc) throws IOException {
		Map<String, List<String[]>> byEvent = new LinkedHashMap<>();
		SETTINGS.forEach((key, value) -> {
			int hash = key.indexOf('#');
			byEvent.computeIfAbsent(key.substring(0, hash), (k) -> new ArrayList<>())
				.add(new String[] { key.substring(hash + 1), value });
		});
		StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
			.append("<configuration version=\"2.0\" label=\"Concurrency Lab\">\n");
		byEvent.forEach((event, pairs) -> {
			xml.append("  <event name=\"").append(event).append("\">\n");
			for (String[] pair : pairs) {
				xml.append("    <setting name=\"").append(pair[0]).append("\">").append(pair[1]).append("</setting>\n");
			}
			xml.append("  </event>\n");
		});
		xml.append("</configuration>\n");
		Files.writeString(jfc, xml);
	}

	private final Recording recording;

	private final Path file;

	private final Instant startedAt;

	private volatile Instant stoppedAt;

	private boolean closed;

	private RunRecording(Recording recording, Path file, Instant startedAt) {
		this.recording = recording;
		this.file = file;
		this.startedAt = startedAt;
	}

	/**
	 * Starts a recording named {@code name} with the {@link #SETTINGS}, written to
	 * {@code file} when it stops.
	 * @param name the recording's name, as {@code jcmd JFR.check} shows it
	 * @param file where the recording is written; replaced if it exists
	 * @param maxBytes the size bound, see the class comment; 0 for none
	 * @return the running recording
	 * @throws IOException if {@code file} cannot be written
	 */
	public static RunRecording start(String name, Path file, long maxBytes) throws IOException {
		if (maxBytes < 0) {
			throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
		}
		Recording recording = new Recording(SETTINGS);
		try {
			recording.setName(name);
			recording.setToDisk(true);
			recording.setMaxSize(maxBytes);
			recording.setDestination(file);
			recording.start();
			return new RunRecording(recording, file, recording.getStartTime());
		}
		catch (IOException | RuntimeException ex) {
			recording.close();
			throw ex;
		}
	}

	/**
	 * Stops the recording and makes sure its file is written; does nothing when it has
	 * stopped already.
	 * @throws UncheckedIOException if the file cannot be written
	 */
	public synchronized void stop() {
		if (this.stoppedAt != null || this.closed) {
			return;
		}
		try {
			this.recording.stop();
		}
		finally {
			Instant stopTime = this.recording.getStopTime();
			this.stoppedAt = (stopTime != null) ? stopTime : Instant.now();
		}
		if (!Files.exists(this.file)) {
			// JFR logs a failed write to the destination and carries on: try once more,
			// so that the caller sees the failure.
			try {
				this.recording.dump(this.file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("the recording could not be written to " + this.file, ex);
			}
		}
	}

	/**
	 * Stops the recording if it runs and releases its chunks in the JFR repository; the
	 * file stays.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		try {
			stop();
		}
		finally {
			this.closed = true;
			this.recording.close();
		}
	}

	/** When JFR started recording. */
	public Instant startedAt() {
		return this.startedAt;
	}

	/** When JFR stopped recording, or null while it runs. */
	public Instant stoppedAt() {
		return this.stoppedAt;
	}

	/** Where the recording is written. */
	public Path file() {
		return this.file;
	}

}
