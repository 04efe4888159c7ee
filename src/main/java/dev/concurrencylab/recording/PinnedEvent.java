package dev.concurrencylab.recording;

import java.time.Instant;

/**
 * One time a virtual thread of a run was pinned to its carrier while it blocked, as JFR
 * recorded it ({@code jdk.VirtualThreadPinned}): for the run's trace.
 *
 * @param threadId the virtual thread's {@link Thread#threadId()}
 * @param start when it started, on JFR's clock
 * @param durationNanos how long it lasted
 * @param reason the JVM's reason, or null
 * @param frame the frame that explains it, or null
 */
public record PinnedEvent(long threadId, Instant start, long durationNanos, String reason, String frame) {
}
