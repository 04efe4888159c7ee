package dev.concurrencylab.recording;

import java.util.List;

/**
 * What a run's JFR recording says about the run's own threads (pinning, parks, monitor
 * waits) and about the JVM's GC pauses during it, small enough for a report.
 *
 * @param thresholdMillis the shortest park or monitor wait recorded and counted, in
 * milliseconds
 * @param recordingBytes the size of the recording file, in bytes
 * @param events the events read from the file, of every thread and type
 * @param eventsOfRun the events of the run's threads in the run's window, of every type,
 * plus the GC pauses in the window
 * @param pinned the times a virtual thread of the run blocked while pinned to its carrier
 * @param parks the parks ({@code jdk.ThreadPark}) of the run's threads of at least the
 * threshold; a virtual thread's wait appears here only when it parks its carrier
 * (pinned), so a pinned wait is counted both here and in {@code pinned}
 * @param monitorWaits the waits to enter a monitor ({@code jdk.JavaMonitorEnter}) and in
 * {@code Object.wait} ({@code jdk.JavaMonitorWait}) of at least the threshold; JDK 25
 * records these for platform threads only, not for a virtual thread that unmounts to wait
 * @param gc the stop-the-world GC pauses that started in the window, of the whole JVM
 */
public record JfrSummary(double thresholdMillis, long recordingBytes, long events, long eventsOfRun, Pinned pinned,
		Waits parks, Waits monitorWaits, Gc gc) {

	/**
	 * Virtual threads pinned to their carrier while blocked
	 * ({@code jdk.VirtualThreadPinned}, recorded whatever its duration).
	 *
	 * @param count how many times
	 * @param totalMillis their durations added up, in milliseconds
	 * @param reasons the most frequent reasons and frames, at most five, most frequent
	 * first
	 */
	public record Pinned(long count, double totalMillis, List<Reason> reasons) {

		public Pinned {
			reasons = List.copyOf(reasons);
		}

	}

	/**
	 * One reason a virtual thread was pinned, with the code that explains it.
	 *
	 * @param reason what the JVM gave as the reason ({@code pinnedReason}), hidden class
	 * addresses removed, or null when the JVM gives none
	 * @param frame the first class initializer ({@code <clinit>}) on the stack, else the
	 * first frame outside the JDK, else the top frame, as
	 * {@code pkg.Class.method line N}; null without a stack trace
	 * @param count how many times
	 * @param totalMillis their durations added up, in milliseconds
	 */
	public record Reason(String reason, String frame, long count, double totalMillis) {
	}

	/**
	 * Parks or monitor waits of the run's threads at least as long as the threshold.
	 *
	 * @param count how many
	 * @param totalMillis their durations added up, in milliseconds
	 * @param frames the most frequent kinds and frames, at most five, most frequent first
	 */
	public record Waits(long count, double totalMillis, List<Frame> frames) {

		public Waits {
			frames = List.copyOf(frames);
		}

	}

	/**
	 * Where threads parked or waited, and how often.
	 *
	 * @param kind {@code park}, {@code monitor-enter} or {@code monitor-wait}
	 * @param frame the first frame outside the JDK, else the top frame, as
	 * {@code pkg.Class.method line N}; null without a stack trace
	 * @param count how many times
	 * @param totalMillis their durations added up, in milliseconds
	 */
	public record Frame(String kind, String frame, long count, double totalMillis) {
	}

	/**
	 * The JVM's stop-the-world GC pauses, one {@code jdk.GCPhasePause} event each;
	 * {@code jdk.GarbageCollection} is not read, so no pause is counted twice.
	 *
	 * @param count how many pauses
	 * @param totalMillis their durations added up, in milliseconds
	 * @param longestMillis the longest, in milliseconds; 0 without pauses
	 */
	public record Gc(long count, double totalMillis, double longestMillis) {
	}

}
