package dev.concurrencylab.report;

import dev.concurrencylab.isolation.Interference;

/**
 * What an experiment achieved, against the ideal.
 *
 * @param wallMillis from the experiment's start to its last task's end
 * @param succeeded tasks that finished with a result
 * @param failed tasks that finished with an error
 * @param cancelled tasks stopped or never started
 * @param durationMillis distribution of task durations (tasks that ran to an end)
 * @param queueMillis time from being queued to starting
 * @param overlap Σ task durations ÷ wall time: tasks running at once, on average
 * @param peakInFlight most tasks running at once
 * @param throughputPerSecond finished tasks per second of wall time
 * @param threadsUsed distinct threads that ran tasks
 * @param processesUsed distinct processes that ran tasks
 * @param cpuMillis CPU time the service process used during the run, plus, in the process
 * modes, what the worker processes used for their tasks
 * @param idealMillis what a perfect scheduler would achieve (see {@link Ideal})
 * @param idealFormula the formula behind {@code idealMillis}, with the numbers
 * @param efficiency idealMillis ÷ wallMillis
 * @param sequentialEstimateMillis the time these tasks (those that succeeded) would take
 * one after another on one thread: n × (c₁ + w), c₁ a task's computation at the
 * calibrated single-thread cost of the kernel, w its nominal waits; null while c₁ is not
 * known (no capacity measured yet)
 * @param speedup sequentialEstimateMillis ÷ wallMillis, the same meaning in every mode
 * @param interference what shared the machine with the run
 * @param phases where the tasks' time went, phase by phase; null when no task ran to an
 * end
 * @param openModel the open model's figures (arrivals, achieved rate, latency from each
 * arrival, late and dropped tasks); null in the closed model
 */
public record Summary(double wallMillis, int succeeded, int failed, int cancelled, Distribution durationMillis,
		Queue queueMillis, double overlap, int peakInFlight, double throughputPerSecond, int threadsUsed,
		int processesUsed, double cpuMillis, double idealMillis, String idealFormula, double efficiency,
		Double sequentialEstimateMillis, Double speedup, Interference interference, PhaseSummary phases,
		OpenModel openModel) {

	/**
	 * Task durations in milliseconds.
	 *
	 * @param min shortest
	 * @param mean mean
	 * @param p50 median
	 * @param p90 90th percentile
	 * @param p99 99th percentile
	 * @param max longest
	 */
	public record Distribution(double min, double mean, double p50, double p90, double p99, double max) {
	}

	/**
	 * Queue waits in milliseconds.
	 *
	 * @param mean mean
	 * @param max longest
	 */
	public record Queue(double mean, double max) {
	}

}
