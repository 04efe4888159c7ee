package dev.concurrencylab.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a {@link RunRecording}'s file into a {@link JfrSummary} of one run, streaming:
 * events are counted and grouped as they are read, never kept.
 */
public final class JfrSummaries {

	/** Reasons or frames a summary lists. */
	static final int TOP = 5;

	/**
	 * Distinct reasons or frames counted separately for one summary part; later new ones
	 * are counted under {@link #OTHER}, so that a file cannot grow the groups without
	 * bound.
	 */
	static final int MAX_GROUPS = 1000;

	/** The frame of the entries past {@link #MAX_GROUPS}. */
	static final String OTHER = "(other frames)";

	/**
	 * The address JFR adds to a hidden class's name ({@code Foo$$Lambda/0x…} or
	 * {@code Foo$$Lambda.0x…}): without it, each copy of the same code is a group.
	 */
	private static final Pattern HIDDEN_CLASS_ADDRESS = Pattern.compile("[./]0x[0-9a-fA-F]+");

	private static final long PARK_THRESHOLD_NANOS = RunRecording.PARK_THRESHOLD.toNanos();

	private JfrSummaries() {
	}

	/**
	 * Summarises the events of one run in a recording file.
	 * @param file the recording
	 * @param javaThreadIds the {@link Thread#threadId()}s of the run's threads
	 * @param threadNamePrefix the name prefix of the run's threads, or null or empty for
	 * none
	 * @param from the start of the run's window, or null for the file's start
	 * @param to the end of the run's window, or null for the file's end
	 * @return the summary
	 * @throws IOException if the file cannot be read or is not a recording
	 */
	public static JfrSummary read(Path file, Set<Long> javaThreadIds, String threadNamePrefix, Instant from, Instant to)
			throws IOException {
		String prefix = (threadNamePrefix != null && !threadNamePrefix.isEmpty()) ? threadNamePrefix : null;
		long bytes = Files.size(file);
		Groups pinned = new Groups();
		Groups parks = new Groups();
		Groups monitors = new Groups();
		long events = 0;
		long eventsOfRun = 0;
		long gcCount = 0;
		long gcNanos = 0;
		long gcLongest = 0;
		try (RecordingFile recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents()) {
				RecordedEvent event = recording.readEvent();
				events++;
				if (!inWindow(event.getStartTime(), from, to)) {
					continue;
				}
				String type = event.getEventType().getName();
				if (type.equals("jdk.GCPhasePause")) {
					long nanos = event.getDuration().toNanos();
					eventsOfRun++;
					gcCount++;
					gcNanos += nanos;
					gcLongest = Math.max(gcLongest, nanos);
					continue;
				}
				if (!ofRun(event.getThread(), javaThreadIds, prefix)) {
					continue;
				}
				eventsOfRun++;
				long nanos = event.getDuration().toNanos();
				switch (type) {
					case RunRecording.PINNED_EVENT -> pinned.add(pinnedReason(event), pinnedFrame(event), nanos);
					case "jdk.ThreadPark" -> {
						if (nanos >= PARK_THRESHOLD_NANOS) {
							parks.add("park", waitFrame(event), nanos);
						}
					}
					case "jdk.JavaMonitorEnter" -> {
						if (nanos >= PARK_THRESHOLD_NANOS) {
							monitors.add("monitor-enter", waitFrame(event), nanos);
						}
					}
					case "jdk.JavaMonitorWait" -> {
						if (nanos >= PARK_THRESHOLD_NANOS) {
							monitors.add("monitor-wait", waitFrame(event), nanos);
						}
					}
					default -> {
					}
				}
			}
		}
		JfrSummary.Pinned pinnedSummary = new JfrSummary.Pinned(pinned.count, millis(pinned.nanos),
				pinned.top()
					.stream()
					.map((g) -> new JfrSummary.Reason(g.label, g.frame, g.count, millis(g.nanos)))
					.toList());
		return new JfrSummary(millis(PARK_THRESHOLD_NANOS), bytes, events, eventsOfRun, pinnedSummary, waits(parks),
				waits(monitors), new JfrSummary.Gc(gcCount, millis(gcNanos), millis(gcLongest)));
	}

	/**
	 * The first {@code max} times a thread of the run was pinned, in the order JFR wrote
	 * them, filtered as {@link #read} filters.
	 * @throws IOException if the file cannot be read or is not a recording
	 */
	public static List<PinnedEvent> pinnedEvents(Path file, Set<Long> javaThreadIds, String threadNamePrefix,
			Instant from, Instant to, int max) throws IOException {
		String prefix = (threadNamePrefix != null && !threadNamePrefix.isEmpty()) ? threadNamePrefix : null;
		List<PinnedEvent> pinned = new ArrayList<>();
		// Reasons and frames repeat: one string each.
		Map<String, String> strings = new HashMap<>();
		try (RecordingFile recording = new RecordingFile(file)) {
			while (recording.hasMoreEvents() && pinned.size() < max) {
				RecordedEvent event = recording.readEvent();
				if (event.getEventType().getName().equals(RunRecording.PINNED_EVENT)
						&& inWindow(event.getStartTime(), from, to)
						&& ofRun(event.getThread(), javaThreadIds, prefix)) {
					pinned.add(new PinnedEvent(event.getThread().getJavaThreadId(), event.getStartTime(),
							event.getDuration().toNanos(), shared(strings, pinnedReason(event)),
							shared(strings, pinnedFrame(event))));
				}
			}
		}
		return pinned;
	}

	private static String shared(Map<String, String> strings, String text) {
		return (text != null) ? strings.computeIfAbsent(text, (t) -> t) : null;
	}

	private static JfrSummary.Waits waits(Groups groups) {
		return new JfrSummary.Waits(groups.count, millis(groups.nanos),
				groups.top()
					.stream()
					.map((g) -> new JfrSummary.Frame(g.label, g.frame, g.count, millis(g.nanos)))
					.toList());
	}

	private static boolean inWindow(Instant start, Instant from, Instant to) {
		return (from == null || !start.isBefore(from)) && (to == null || !start.isAfter(to));
	}

	/**
	 * Whether the event's thread is one of the run's. The event thread of
	 * {@code jdk.VirtualThreadPinned} is the virtual thread; its carrier is another
	 * field.
	 */
	private static boolean ofRun(RecordedThread thread, Set<Long> javaThreadIds, String prefix) {
		if (thread == null) {
			return false;
		}
		long id = thread.getJavaThreadId();
		if (id >= 0 && javaThreadIds.contains(id)) {
			return true;
		}
		String name = thread.getJavaName();
		return prefix != null && name != null && name.startsWith(prefix);
	}

	private static String pinnedReason(RecordedEvent event) {
		if (!event.hasField("pinnedReason")) {
			return null;
		}
		String reason = event.getString("pinnedReason");
		return (reason != null) ? HIDDEN_CLASS_ADDRESS.matcher(reason).replaceAll("") : null;
	}

	/**
	 * The frame that explains a pinning: the first class initializer, else the first
	 * frame outside the JDK, else the top frame.
	 */
	private static String pinnedFrame(RecordedEvent event) {
		RecordedStackTrace stack = event.getStackTrace();
		if (stack == null) {
			return null;
		}
		for (RecordedFrame frame : stack.getFrames()) {
			RecordedMethod method = frame.getMethod();
			if (method != null && "<clinit>".equals(method.getName())) {
				return describe(frame);
			}
		}
		return waitFrame(event);
	}

	/** The first frame outside the JDK, else the top frame. */
	private static String waitFrame(RecordedEvent event) {
		RecordedStackTrace stack = event.getStackTrace();
		if (stack == null || stack.getFrames().isEmpty()) {
			return null;
		}
		List<RecordedFrame> frames = stack.getFrames();
		for (RecordedFrame frame : frames) {
			if (!isJdk(frame)) {
				return describe(frame);
			}
		}
		return describe(frames.get(0));
	}

	private static boolean isJdk(RecordedFrame frame) {
		String type = className(frame);
		return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")
				|| type.startsWith("com.sun.");
	}

	private static String className(RecordedFrame frame) {
		RecordedMethod method = frame.getMethod();
		if (method == null || method.getType() == null) {
			return "";
		}
		return HIDDEN_CLASS_ADDRESS.matcher(method.getType().getName()).replaceAll("");
	}

	private static String describe(RecordedFrame frame) {
		RecordedMethod method = frame.getMethod();
		String name = className(frame) + "." + ((method != null) ? method.getName() : "?");
		int line = frame.getLineNumber();
		return (line > 0) ? name + " line " + line : name;
	}

	/** Nanoseconds as milliseconds, rounded to the microsecond. */
	static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

	/** Counts and durations of one summary part, in total and by label and frame. */
	private static final class Groups {

		private final Map<Key, Group> groups = new HashMap<>();

		private long count;

		private long nanos;

		void add(String label, String frame, long nanos) {
			this.count++;
			this.nanos += nanos;
			Key key = new Key(label, frame);
			Group group = this.groups.get(key);
			if (group == null) {
				if (this.groups.size() >= MAX_GROUPS) {
					key = new Key(label, OTHER);
					group = this.groups.get(key);
				}
				if (group == null) {
					group = new Group(label, key.frame());
					this.groups.put(key, group);
				}
			}
			group.count++;
			group.nanos += nanos;
		}

		/** The {@link #TOP} groups seen most, the longest first among equals. */
		List<Group> top() {
			List<Group> all = new ArrayList<>(this.groups.values());
			all.sort(Comparator.comparingLong((Group g) -> g.count)
				.thenComparingLong((g) -> g.nanos)
				.reversed()
				.thenComparing((g) -> String.valueOf(g.label))
				.thenComparing((g) -> String.valueOf(g.frame)));
			return all.subList(0, Math.min(TOP, all.size()));
		}

	}

	private record Key(String label, String frame) {
	}

	/** One label (a pinned reason, or the kind of wait) and frame. */
	private static final class Group {

		private final String label;

		private final String frame;

		private long count;

		private long nanos;

		Group(String label, String frame) {
			this.label = label;
			this.frame = frame;
		}

	}

}
