package dev.concurrencylab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;

/**
 * Where the tasks' time went: every phase summed over the tasks that ran to an end
 * (succeeded or failed), and its share of their whole time.
 *
 * @param tasks the tasks summed
 * @param meanTaskMillis their mean time from being queued to their end
 * @param totalMillis each phase summed over them
 * @param share each phase's share of their whole time (0 to 1; they add up to 1)
 * @param onCpu where the on-CPU figures come from: {@code MEASURED} (thread CPU time),
 * {@code ESTIMATED} (virtual threads: the calibrated kernel cost), {@code MIXED}, or
 * {@code UNKNOWN} (not calibrated yet: computing counted as on-CPU), {@code NONE} (no
 * computation)
 * @param text the same in a sentence, e.g. "8 tasks × 2.0 s: computing on CPU 25 %,
 * waiting for a core 75 %"
 */
public record PhaseSummary(int tasks, double meanTaskMillis, Phases totalMillis, Phases share, String onCpu,
		String text) {

	/** Shares below this are left out of the sentence. */
	private static final double MIN_SHARE_IN_TEXT = 0.005;

	/**
	 * Sums the phases of the tasks of {@code log} that ran to an end; null if none did.
	 */
	public static PhaseSummary of(TaskLog log) {
		long[] sums = new long[8];
		int tasks = 0;
		boolean measured = false;
		boolean estimated = false;
		boolean unknown = false;
		for (int task = 0; task < log.size(); task++) {
			TaskState state = log.state(task);
			if (state != TaskState.SUCCEEDED && state != TaskState.FAILED) {
				continue;
			}
			TaskPhases phases = TaskPhases.of(log, task);
			sums[0] += phases.queued();
			sums[1] += phases.spawn();
			sums[2] += phases.waiting();
			sums[3] += phases.lockWait();
			sums[4] += phases.poolWait();
			sums[5] += phases.onCpu();
			sums[6] += phases.offCpu();
			sums[7] += phases.scheduling();
			switch (phases.cpuSource()) {
				case MEASURED -> measured = true;
				case ESTIMATED -> estimated = true;
				case UNKNOWN -> unknown = true;
				case NONE -> {
				}
			}
			tasks++;
		}
		if (tasks == 0) {
			return null;
		}
		long whole = 0;
		for (long sum : sums) {
			whole += sum;
		}
		double[] shares = new double[sums.length];
		for (int i = 0; i < sums.length; i++) {
			shares[i] = (whole > 0) ? Math.round(sums[i] * 10_000.0 / whole) / 10_000.0 : 0;
		}
		String onCpu = unknown ? "UNKNOWN"
				: (measured && estimated) ? "MIXED" : measured ? "MEASURED" : estimated ? "ESTIMATED" : "NONE";
		Phases total = new Phases(Summaries.millis(sums[0]), Summaries.millis(sums[1]), Summaries.millis(sums[2]),
				Summaries.millis(sums[3]), Summaries.millis(sums[4]), Summaries.millis(sums[5]),
				Summaries.millis(sums[6]), Summaries.millis(sums[7]));
		Phases share = new Phases(shares[0], shares[1], shares[2], shares[3], shares[4], shares[5], shares[6],
				shares[7]);
		double mean = (double) whole / tasks;
		return new PhaseSummary(tasks, Summaries.millis(mean), total, share, onCpu,
				text(tasks, mean, shares, estimated));
	}

	private static String text(int tasks, double meanNanos, double[] shares, boolean estimated) {
		String[] names = { "queued", "starting a worker", "waiting", "waiting for the lock", "waiting for a connection",
				estimated ? "computing on CPU (estimated)" : "computing on CPU",
				estimated ? "waiting for a core or carrier" : "waiting for a core", "waiting for its thread" };
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < shares.length; i++) {
			if (shares[i] >= MIN_SHARE_IN_TEXT) {
				parts.add(names[i] + " " + Math.round(shares[i] * 100) + " %");
			}
		}
		return String.format(Locale.ROOT, "%,d task%s × %s: %s", tasks, (tasks == 1) ? "" : "s",
				Svg.millisLabel(meanNanos / 1e6), String.join(", ", parts));
	}

}
