package dev.concurrencylab.comparison;

import java.util.List;

/**
 * One mode's results in a comparison.
 *
 * @param mode the mode
 * @param runs runs finished
 * @param wallMillis wall time over the runs
 * @param idealMillis the ideal for this mode (median over the runs)
 * @param efficiency ideal ÷ median wall
 * @param speedup the median over its successful runs of the experiments' {@code speedup}:
 * the time these tasks would take one after another on one thread ÷ wall (null while the
 * single-thread cost is not known)
 * @param vsSequential the sequential mode's median wall ÷ this mode's median wall, when
 * sequential is part of the comparison, else null
 * @param failedRuns runs that did not succeed (failed or cancelled); a mode with any is
 * never named the winner
 * @param experiments the experiments run, in order
 * @param openModel the open model's figures over the successful runs; null in the closed
 * model
 */
public record ModeResult(String mode, int runs, Stats wallMillis, double idealMillis, double efficiency, Double speedup,
		Double vsSequential, int failedRuns, List<String> experiments, OpenRuns openModel) {

	/** A closed-model result. */
	public ModeResult(String mode, int runs, Stats wallMillis, double idealMillis, double efficiency, Double speedup,
			Double vsSequential, int failedRuns, List<String> experiments) {
		this(mode, runs, wallMillis, idealMillis, efficiency, speedup, vsSequential, failedRuns, experiments, null);
	}

	/**
	 * The open model's figures of a mode's runs (see {@code summary.openModel} of each).
	 *
	 * @param concurrency the mode's concurrency
	 * @param p99Millis the latency's 99th percentile from each task's arrival
	 * @param achievedPerSecond tasks that succeeded per second
	 * @param late tasks that began more than 1 ms after their arrival
	 * @param dropped tasks dropped after waiting more than maxQueueMillis
	 * @param arrived tasks that arrived, in the first run
	 */
	public record OpenRuns(int concurrency, Stats p99Millis, Stats achievedPerSecond, Stats late, Stats dropped,
			int arrived) {
	}

	/**
	 * Wall times in milliseconds.
	 *
	 * @param median median
	 * @param min fastest run
	 * @param max slowest run
	 */
	public record Stats(double median, double min, double max) {

		static Stats of(List<Double> values) {
			List<Double> sorted = values.stream().sorted().toList();
			int n = sorted.size();
			double median = (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
			return new Stats(round(median), round(sorted.get(0)), round(sorted.get(n - 1)));
		}

	}

	static double round(double value) {
		return Math.round(value * 1000) / 1000.0;
	}

}
