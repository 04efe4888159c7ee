package dev.concurrencylab.arrival;

import java.util.SplittableRandom;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The open model: tasks arrive on a schedule, whatever the mode's progress, instead of
 * all at once. {@code ratePerSecond} arrivals a second for {@code durationMillis}, evenly
 * spaced ({@code constant}) or as a Poisson process ({@code poisson}: exponential gaps
 * drawn from {@code seed}, the same schedule for the same seed). A task that has not
 * started {@code maxQueueMillis} after its arrival is dropped. Latency counts from each
 * task's intended arrival, not from when the mode got to it (coordinated omission
 * corrected, as wrk2 does).
 *
 * @param ratePerSecond arrivals per second
 * @param durationMillis how long tasks arrive
 * @param distribution how arrivals are spaced
 * @param maxQueueMillis how long an arrived task may wait to start before it is dropped
 * @param seed the Poisson schedule's seed
 */
public record Arrival(double ratePerSecond, long durationMillis, Distribution distribution, long maxQueueMillis,
		long seed) {

	/** The drop bound when a request names none. */
	public static final long DEFAULT_MAX_QUEUE_MILLIS = 1_000;

	/** How arrivals are spaced. */
	public enum Distribution {

		/** One every 1 ÷ rate seconds. */
		@JsonProperty("constant")
		CONSTANT,
		/** Exponential gaps of mean 1 ÷ rate: bursts and lulls, as real traffic has. */
		@JsonProperty("poisson")
		POISSON

	}

	@JsonCreator
	static Arrival of(@JsonProperty(value = "ratePerSecond", required = true) double ratePerSecond,
			@JsonProperty(value = "durationMillis", required = true) long durationMillis,
			@JsonProperty("distribution") Distribution distribution,
			@JsonProperty("maxQueueMillis") Long maxQueueMillis, @JsonProperty("seed") Long seed) {
		return new Arrival(ratePerSecond, durationMillis, (distribution != null) ? distribution : Distribution.CONSTANT,
				(maxQueueMillis != null) ? maxQueueMillis : DEFAULT_MAX_QUEUE_MILLIS, (seed != null) ? seed : 1);
	}

	/**
	 * How many tasks arrive, at most {@code limit + 1} (a schedule longer than the limit
	 * is counted no further).
	 */
	public long count(long limit) {
		if (this.distribution == Distribution.CONSTANT) {
			return Math.min(limit + 1, constantCount());
		}
		SplittableRandom random = new SplittableRandom(this.seed);
		long durationNanos = this.durationMillis * 1_000_000;
		double at = 0;
		long count = 0;
		while (count <= limit) {
			at += gapNanos(random);
			if (at >= durationNanos) {
				break;
			}
			count++;
		}
		return count;
	}

	/** The intended arrival of every task, in nanoseconds from the run's start. */
	public long[] offsetsNanos(int tasks) {
		long[] offsets = new long[tasks];
		if (this.distribution == Distribution.CONSTANT) {
			double gap = 1e9 / this.ratePerSecond;
			for (int task = 0; task < tasks; task++) {
				offsets[task] = Math.round(task * gap);
			}
			return offsets;
		}
		SplittableRandom random = new SplittableRandom(this.seed);
		double at = 0;
		for (int task = 0; task < tasks; task++) {
			at += gapNanos(random);
			offsets[task] = Math.round(at);
		}
		return offsets;
	}

	private long constantCount() {
		// Arrivals at 0, 1/r, 2/r, … before the duration ends.
		double exact = this.durationMillis / 1000.0 * this.ratePerSecond;
		long whole = (long) Math.ceil(exact);
		return Math.max(1, whole);
	}

	private double gapNanos(SplittableRandom random) {
		return -Math.log(1 - random.nextDouble()) * 1e9 / this.ratePerSecond;
	}

}
