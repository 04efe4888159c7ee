package dev.concurrencylab.report;

import java.util.Arrays;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;
import dev.concurrencylab.isolation.Interference;

/** Derives an experiment's {@link Summary} from its task log. Pure. */
public final class Summaries {

	private Summaries() {
	}

	/**
	 * Summarises a finished (or stopped) experiment.
	 * @param log the task log; the wall time runs from its origin to its last task's end
	 * @param peakInFlight most tasks in flight at once
	 * @param cpuNanos CPU time used during the run
	 * @param ideal the ideal for this experiment
	 * @param nanosPerTaskAlone what one task takes alone on one thread (c₁ + w), or -1
	 * when c₁ is not known yet
	 * @param interference what shared the machine with the run
	 */
	public static Summary of(TaskLog log, int peakInFlight, long cpuNanos, Ideal ideal, long nanosPerTaskAlone,
			Interference interference) {
		return of(log, peakInFlight, cpuNanos, ideal, nanosPerTaskAlone, interference, null);
	}

	/**
	 * The summary of a run, with its open-model figures when {@code openModel} is not
	 * null.
	 */
	public static Summary of(TaskLog log, int peakInFlight, long cpuNanos, Ideal ideal, long nanosPerTaskAlone,
			Interference interference, OpenModel openModel) {
		int size = log.size();
		long[] durations = new long[size];
		long[] threads = new long[size];
		long[] pids = log.processes() ? new long[size] : null;
		int ran = 0;
		int succeeded = 0;
		int failed = 0;
		int cancelled = 0;
		long queueSum = 0;
		long queueMax = 0;
		int started = 0;
		long wallNanos = 0;
		for (int task = 0; task < size; task++) {
			TaskState state = log.state(task);
			wallNanos = Math.max(wallNanos, log.endNanos(task));
			switch (state) {
				case SUCCEEDED -> succeeded++;
				case FAILED -> failed++;
				case CANCELLED -> cancelled++;
				default -> {
				}
			}
			if (log.threadId(task) != 0) {
				// A worker's start-up is reported apart (spawnMillis), not as queueing.
				long queue = Math.max(0,
						log.startNanos(task) - log.queuedNanos(task) - Math.max(0, log.spawnNanos(task)));
				if (pids != null) {
					pids[started] = log.pid(task);
				}
				queueSum += queue;
				queueMax = Math.max(queueMax, queue);
				threads[started++] = log.threadId(task);
			}
			if (state == TaskState.SUCCEEDED || state == TaskState.FAILED) {
				long duration = log.endNanos(task) - log.startNanos(task);
				durations[ran++] = duration;
			}
		}
		Arrays.sort(durations, 0, ran);
		long total = 0;
		for (int i = 0; i < ran; i++) {
			total += durations[i];
		}
		Summary.Distribution distribution = (ran == 0) ? null
				: new Summary.Distribution(millis(durations[0]), millis((double) total / ran),
						millis(percentile(durations, ran, 0.50)), millis(percentile(durations, ran, 0.90)),
						millis(percentile(durations, ran, 0.99)), millis(durations[ran - 1]));
		Summary.Queue queue = new Summary.Queue(millis((started == 0) ? 0 : (double) queueSum / started),
				millis(queueMax));
		double wall = Math.max(1, wallNanos);
		double wallMillis = millis(wallNanos);
		double efficiency = (wallMillis > 0) ? round(ideal.millis() / wallMillis, 3) : 0;
		// The same figure in every mode: these tasks one after another on one thread.
		double alone = (nanosPerTaskAlone >= 0) ? (double) succeeded * nanosPerTaskAlone : -1;
		return new Summary(wallMillis, succeeded, failed, cancelled, distribution, queue, round(total / wall, 2),
				peakInFlight, round((succeeded + failed) / (wall / 1e9), 1), distinct(threads, started),
				(pids != null) ? distinct(pids, started) : 1, millis(cpuNanos), ideal.millis(), ideal.formula(),
				efficiency, (alone >= 0) ? millis(alone) : null, (alone >= 0) ? round(alone / wall, 2) : null,
				interference, PhaseSummary.of(log), openModel);
	}

	/** Nearest-rank percentile of the first {@code count} sorted values. */
	static long percentile(long[] sorted, int count, double quantile) {
		int rank = (int) Math.ceil(quantile * count);
		return sorted[Math.max(0, Math.min(count, rank) - 1)];
	}

	private static int distinct(long[] values, int count) {
		Arrays.sort(values, 0, count);
		int distinct = 0;
		for (int i = 0; i < count; i++) {
			if (i == 0 || values[i] != values[i - 1]) {
				distinct++;
			}
		}
		return distinct;
	}

	/** Milliseconds with microsecond precision. */
	public static double millis(double nanos) {
		return Math.round(nanos / 1000.0) / 1000.0;
	}

	private static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
