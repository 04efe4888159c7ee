package dev.concurrencylab.isolation;

/**
 * What a run kept busy, so that another run it overlapped can report it. Implementations
 * are read from other threads while the run goes on; an estimate is fine.
 */
@FunctionalInterface
public interface RunActivity {

	/** Nothing measurable. */
	RunActivity NONE = (from, to) -> 0;

	/**
	 * Task-nanoseconds this run had tasks in flight within {@code [fromNanos, toNanos)}
	 * of the lab clock: two tasks running for a second count two seconds.
	 */
	long busyNanos(long fromNanos, long toNanos);

}
