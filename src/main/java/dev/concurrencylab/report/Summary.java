package dev.concurrencylab.report;

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
 * @param sequentialEstimateMillis Σ task durations: the wall time if they had run one
 * after another
 * @param speedup sequentialEstimateMillis ÷ wallMillis
 */
public record Summary(double wallMillis, int succeeded, int failed, int cancelled, Distribution durationMillis,
		Queue queueMillis, double overlap, int peakInFlight, double throughputPerSecond, int threadsUsed,
		int processesUsed, double cpuMillis, double idealMillis, String idealFormula, double efficiency,
		double sequentialEstimateMillis, double speedup) {

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
