package dev.concurrencylab.machine;

import java.time.Instant;

/**
 * The measured parallel capacity: the CPU kernel timed on one thread and on
 * {@code threads} threads at once, in one run.
 *
 * @param parallelCapacity {@code threads × singleThreadMillis ÷ allThreadsMillis}: how
 * many cores' worth of computation the host really gives at once
 * @param threads threads of the parallel run (the cores)
 * @param iterations kernel iterations per thread in each run
 * @param singleThreadMillis wall time of one thread alone (best of the trials)
 * @param allThreadsMillis wall time of all threads at once (best of the trials)
 * @param nanosPerIteration kernel cost on one thread, used to predict ideal times
 * @param trials trials measured
 * @param measuredAt when the measurement ended
 */
public record Capacity(double parallelCapacity, int threads, long iterations, double singleThreadMillis,
		double allThreadsMillis, double nanosPerIteration, int trials, Instant measuredAt) {

	/**
	 * How many tasks can really compute at once when a mode lets {@code parallelism} of
	 * them try: never below one, never above the capacity.
	 */
	public double effectiveParallelism(int parallelism) {
		if (parallelism <= 1) {
			return 1;
		}
		return Math.max(1, Math.min(parallelism, this.parallelCapacity));
	}

}
