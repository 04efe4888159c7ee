package dev.concurrencylab.report;

import java.util.Locale;

import org.HdrHistogram.Histogram;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;

/**
 * An open-model run's figures: what arrived, what the mode kept up with, and the latency
 * each task saw from its intended arrival (not from when the mode got to it: a backlog
 * counts in full, coordinated omission corrected as wrk2 does).
 *
 * @param targetPerSecond the arrival rate asked for
 * @param distribution {@code constant} or {@code poisson}
 * @param arrived tasks that arrived (all of the schedule, unless the run was stopped)
 * @param achievedPerSecond tasks that succeeded ÷ the time from the first arrival to the
 * last task's end
 * @param late tasks that began more than {@value #LATE_MILLIS} ms after their arrival
 * @param dropped tasks that waited more than {@code maxQueueMillis} to begin and never
 * ran
 * @param latencyMillis from each task's intended arrival to its end, for the tasks that
 * ran to an end (HdrHistogram, 3 significant digits); null if none did
 * @param text the same in a sentence
 */
public record OpenModel(double targetPerSecond, String distribution, int arrived, double achievedPerSecond, int late,
		int dropped, Latency latencyMillis, String text) {

	/** A task that began later than this after its arrival counts as late. */
	public static final int LATE_MILLIS = 1;

	/**
	 * Latency percentiles in milliseconds.
	 *
	 * @param p50 median
	 * @param p90 90th percentile
	 * @param p99 99th percentile
	 * @param p999 99.9th percentile
	 * @param max longest
	 * @param mean mean
	 */
	public record Latency(double p50, double p90, double p99, double p999, double max, double mean) {
	}

	/**
	 * The open-model figures of a run's task log, of which the first {@code arrived}
	 * tasks arrived before the run ended.
	 */
	public static OpenModel of(TaskLog log, Arrival arrival, int arrived) {
		// Microseconds, up to an hour, 3 significant digits: about 40 KB.
		Histogram latency = new Histogram(3_600_000_000L, 3);
		int late = 0;
		int dropped = 0;
		int succeeded = 0;
		long firstArrival = Long.MAX_VALUE;
		long lastEnd = 0;
		for (int task = 0; task < arrived; task++) {
			TaskState state = log.state(task);
			long queued = log.queuedNanos(task);
			firstArrival = Math.min(firstArrival, queued);
			if (state == TaskState.DROPPED) {
				dropped++;
				continue;
			}
			if (log.startNanos(task) - queued > LATE_MILLIS * 1_000_000L) {
				late++;
			}
			if (state == TaskState.SUCCEEDED || state == TaskState.FAILED) {
				latency.recordValue(Math.min(latency.getHighestTrackableValue(),
						Math.max(0, (log.endNanos(task) - queued + 500) / 1000)));
				lastEnd = Math.max(lastEnd, log.endNanos(task));
				if (state == TaskState.SUCCEEDED) {
					succeeded++;
				}
			}
		}
		double span = (lastEnd > firstArrival && firstArrival != Long.MAX_VALUE) ? (lastEnd - firstArrival) / 1e9 : 0;
		double achieved = (span > 0) ? Math.round(succeeded / span * 10) / 10.0 : 0;
		Latency percentiles = (latency.getTotalCount() == 0) ? null
				: new Latency(ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(90)),
						ms(latency.getValueAtPercentile(99)), ms(latency.getValueAtPercentile(99.9)),
						ms(latency.getMaxValue()), Math.round(latency.getMean()) / 1000.0);
		String name = arrival.distribution().name().toLowerCase(Locale.ROOT);
		String text = String.format(Locale.ROOT,
				"%s arrivals/s for %s (%s): achieved %s/s; latency from arrival p50 %s, p99 %s, max %s; %,d late, "
						+ "%,d dropped of %,d",
				number(arrival.ratePerSecond()), Svg.millisLabel(arrival.durationMillis()), name, number(achieved),
				(percentiles != null) ? Svg.millisLabel(percentiles.p50()) : "–",
				(percentiles != null) ? Svg.millisLabel(percentiles.p99()) : "–",
				(percentiles != null) ? Svg.millisLabel(percentiles.max()) : "–", late, dropped, arrived);
		return new OpenModel(arrival.ratePerSecond(), name, arrived, achieved, late, dropped, percentiles, text);
	}

	private static double ms(long micros) {
		return micros / 1000.0;
	}

	private static String number(double value) {
		return (value == Math.rint(value)) ? String.format(Locale.ROOT, "%,d", (long) value)
				: String.format(Locale.ROOT, "%,.1f", value);
	}

}
