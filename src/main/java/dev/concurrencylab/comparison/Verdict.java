package dev.concurrencylab.comparison;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.Workload;

/**
 * The plain-language verdict of a comparison: who won, by how much, and why, from the
 * numbers alone. Pure. A mode with a failed or cancelled run is never the winner, and
 * when a comparison that computes ran on a noisy machine no winner is named among modes
 * closer than the noise.
 */
final class Verdict {

	/** Modes within this ratio of the winner's median count as a tie. */
	static final double TIE = 1.10;

	/** Open model: a mode that began more than this share of tasks late fell behind. */
	static final double MAX_LATE_SHARE = 0.10;

	/** A gain below this is "nothing gained". */
	static final double NO_GAIN = 1.15;

	private Verdict() {
	}

	/**
	 * The verdict.
	 * @param tasks the tasks of each run
	 * @param serialising the modes that by design compute one task at a time
	 * @param noise how quiet the machine was
	 */
	static String of(Workload workload, int tasks, List<ModeResult> results, Double capacity, Set<String> serialising,
			MachineNoise noise) {
		List<String> sentences = new ArrayList<>();
		List<ModeResult> unranked = results.stream().filter((r) -> r.failedRuns() > 0).toList();
		for (ModeResult mode : unranked) {
			sentences.add(String.format(Locale.ROOT,
					"%s is not ranked: %d of its %d runs failed or were cancelled (see its experiments).", mode.mode(),
					mode.failedRuns(), mode.experiments().size()));
		}
		List<ModeResult> ranked = results.stream().filter((r) -> r.runs() > 0 && r.failedRuns() == 0).toList();
		if (ranked.stream().anyMatch((r) -> r.openModel() != null)) {
			sentences.add(0, openModel(ranked));
			return String.join(" ", sentences);
		}
		if (ranked.isEmpty()) {
			sentences.add(0, unranked.isEmpty() ? "No run finished, so there is nothing to compare."
					: "No mode ran without a failure, so there is no winner.");
			return String.join(" ", sentences);
		}
		ModeResult winner = ranked.stream()
			.min(Comparator.comparingDouble((r) -> r.wallMillis().median()))
			.orElseThrow();
		// Other load on the host disturbs computation; waits barely notice it.
		boolean noisy = noise.noisy() && workload.iterationsPerTask() > 0;
		double tie = noisy ? Math.max(TIE, 1 + noise.noisePercent() / 100) : TIE;
		List<String> tied = ranked.stream()
			.filter((r) -> r != winner && r.wallMillis().median() <= winner.wallMillis().median() * tie)
			.map(ModeResult::mode)
			.toList();
		String kind = (workload instanceof FileWorkload) ? "file I/O"
				: (workload instanceof DbWorkload) ? "database queries" : (workload.iterationsPerTask() == 0) ? "waits"
						: (workload.waitMillisPerTask() == 0) ? "computation" : "mixed work";
		boolean hasSequential = results.stream().anyMatch((r) -> r.mode().equals("sequential") && r.runs() > 0);
		String baseline = hasSequential ? "sequential" : "the slowest mode";
		double baselineWall = hasSequential
				? results.stream()
					.filter((r) -> r.mode().equals("sequential"))
					.findFirst()
					.orElseThrow()
					.wallMillis()
					.median()
				: results.stream()
					.filter((r) -> r.runs() > 0)
					.mapToDouble((r) -> r.wallMillis().median())
					.max()
					.orElse(0);
		if (noisy) {
			sentences.add(0, noiseSentence(noise));
		}
		int at = noisy ? 1 : 0;
		if (noisy && !tied.isEmpty()) {
			sentences.add(at, String.format(Locale.ROOT,
					"%s: no winner among %s and %s, whose medians (fastest %s ms) lie within that noise.",
					capitalise(kind), winner.mode(), String.join(", ", tied), ms(winner.wallMillis().median())));
		}
		else {
			String who = tied.isEmpty() ? winner.mode() : winner.mode() + " and " + String.join(", ", tied) + " tie";
			sentences.add(at,
					String.format(Locale.ROOT, "%s: %s %s fastest at %s ms, %s× faster than %s.", capitalise(kind), who,
							tied.isEmpty() ? "is" : "as", ms(winner.wallMillis().median()),
							x(baselineWall / winner.wallMillis().median()), baseline));
		}
		if (kind.equals("computation") && capacity != null && winner.speedup() != null) {
			String reach;
			if (winner.speedup() > capacity * 1.15) {
				reach = ", yet the winner beat that: the machine was busier when the capacity was measured than during "
						+ "the runs, so take these numbers as noisy and repeat on a quieter machine";
			}
			else if (winner.speedup() >= 0.85 * capacity) {
				reach = ", and the winner reaches it";
			}
			else {
				reach = "; the winner stays below it";
			}
			sentences.add(String.format(Locale.ROOT,
					"The machine's measured parallel capacity is %s cores' worth, so no mode can compute more than "
							+ "about %s× faster than one thread%s.",
					x(capacity), x(capacity), reach));
		}
		else if (workload instanceof DbWorkload db) {
			sentences.add(poolSentence(db, tasks, ranked));
		}
		else if (workload instanceof FileWorkload) {
			sentences.add("File I/O has no nominal time, so there is no ideal: a read of the file the run wrote "
					+ "comes from the page cache (a copy on the calling thread), a write waits for the device at its "
					+ "fsync, and a virtual thread blocked in file I/O holds its carrier while the scheduler adds "
					+ "one to make up for it.");
		}
		else if (kind.equals("waits")) {
			sentences.add("Waits overlap whenever a mode keeps many tasks in flight; what limits it is how many it "
					+ "may have at once, not the cores.");
		}
		List<ModeResult> noGain = ranked.stream()
			.filter((r) -> !r.mode().equals("sequential") && r != winner
					&& baselineWall / r.wallMillis().median() < NO_GAIN)
			.toList();
		List<String> byDesign = noGain.stream()
			.filter((r) -> serialising.contains(r.mode()))
			.map((r) -> r.mode() + " (" + x(baselineWall / r.wallMillis().median()) + "×)")
			.toList();
		List<String> heldBack = noGain.stream()
			.filter((r) -> !serialising.contains(r.mode()))
			.map((r) -> r.mode() + " (" + x(baselineWall / r.wallMillis().median()) + "×)")
			.toList();
		if (!byDesign.isEmpty()) {
			sentences.add("Gaining nothing over " + baseline + ": " + String.join(", ", byDesign)
					+ (kind.equals("waits") ? "." : " — by design they never compute two tasks at once."));
		}
		if (!heldBack.isEmpty() && !(workload instanceof DbWorkload)) {
			sentences.add("Also no faster than " + baseline + ": " + String.join(", ", heldBack)
					+ " — limited by how many tasks it may run at once, or by a busy machine.");
		}
		String slower = ranked.stream()
			.filter((r) -> r.efficiency() > 0 && r.efficiency() < 0.5 && r != winner)
			.map((r) -> r.mode() + " reached " + Math.round(r.efficiency() * 100) + "% of its ideal")
			.collect(Collectors.joining("; "));
		if (!slower.isEmpty()) {
			sentences.add("Far from their ideal: " + slower + ".");
		}
		return String.join(" ", sentences);
	}

	/**
	 * The open model's verdict: which modes kept up with the arrivals (no task dropped,
	 * at most {@link #MAX_LATE_SHARE} of them begun late) and which fell behind, with the
	 * latency from arrival that shows it. Wall times say little here: every mode runs as
	 * long as tasks arrive.
	 */
	private static String openModel(List<ModeResult> ranked) {
		List<String> keptUp = new ArrayList<>();
		List<String> behind = new ArrayList<>();
		for (ModeResult mode : ranked) {
			ModeResult.OpenRuns open = mode.openModel();
			if (open == null) {
				continue;
			}
			double arrived = Math.max(1, open.arrived());
			boolean kept = open.dropped().median() == 0 && open.late().median() / arrived <= MAX_LATE_SHARE;
			String figures = String.format(Locale.ROOT, "%s (%s, p99 %s ms from arrival, %s/s%s)", mode.mode(),
					concurrency(mode.mode(), open.concurrency()), ms(open.p99Millis().median()),
					ms(open.achievedPerSecond().median()),
					kept ? "" : String.format(Locale.ROOT, ", %,.0f late and %,.0f dropped of %,d",
							open.late().median(), open.dropped().median(), open.arrived()));
			(kept ? keptUp : behind).add(figures);
		}
		StringBuilder text = new StringBuilder("Open model: ");
		if (!keptUp.isEmpty()) {
			text.append("kept up with the arrivals — ").append(String.join("; ", keptUp)).append('.');
		}
		if (!behind.isEmpty()) {
			text.append(keptUp.isEmpty() ? "" : " ")
				.append("Fell behind — ")
				.append(String.join("; ", behind))
				.append(": tasks arrived faster than the mode could start them, so they queued; latency counts from "
						+ "each arrival and grew with the backlog, and those that waited longer than maxQueueMillis "
						+ "were dropped.");
		}
		return text.toString();
	}

	private static String concurrency(String mode, int concurrency) {
		return switch (mode) {
			case "platform-threads", "gil-threads" -> concurrency + ((concurrency == 1) ? " thread" : " threads");
			case "sequential" -> "one thread";
			case "event-loop" -> "one loop";
			default -> "up to " + String.format(Locale.ROOT, "%,d", concurrency) + " in flight";
		};
	}

	/**
	 * The db workload's lesson: the pool, not the mode, sets the throughput, at most
	 * poolSize ÷ query time.
	 */
	private static String poolSentence(DbWorkload db, int tasks, List<ModeResult> ranked) {
		double limit = (db.millis() > 0) ? db.poolSize() * 1000.0 / db.millis() : Double.POSITIVE_INFINITY;
		String reached = ranked.stream()
			.map((r) -> String.format(Locale.ROOT, "%s %.0f/s", r.mode(), tasks * 1000.0 / r.wallMillis().median()))
			.collect(Collectors.joining(", "));
		if (Double.isInfinite(limit)) {
			return "The pool's " + db.poolSize() + " connections are the limit of every mode; with queries of 0 ms "
					+ "the rest is JDBC's and the pool's own cost: " + reached + ".";
		}
		return String.format(Locale.ROOT,
				"The pool is the limit: %d connections ÷ %d ms a query allow %.0f queries/s at most, whatever the "
						+ "mode, however many tasks it keeps in flight; reached: %s.",
				db.poolSize(), db.millis(), limit, reached);
	}

	private static String noiseSentence(MachineNoise noise) {
		List<String> causes = new ArrayList<>();
		if (noise.capacityChangePercent() != null
				&& noise.capacityChangePercent() > MachineNoise.MAX_CAPACITY_CHANGE_PERCENT) {
			causes.add(String.format(Locale.ROOT, "the parallel capacity was %s before the runs and %s after (%s %%)",
					x(noise.capacityBefore()), x(noise.capacityAfter()), x(noise.capacityChangePercent())));
		}
		if (noise.hostStealPercent() != null && noise.hostStealPercent() > MachineNoise.MAX_STEAL_PERCENT) {
			causes.add(String.format(Locale.ROOT, "the hypervisor took %s %% of the CPU time (steal)",
					x(noise.hostStealPercent())));
		}
		if (noise.otherProcessesCores() != null && noise.otherProcessesCores() > 0) {
			causes.add(String.format(Locale.ROOT, "processes outside the lab used %s cores on average",
					x(noise.otherProcessesCores())));
		}
		return String.format(Locale.ROOT,
				"The machine was noisy during this comparison (%s): differences below about %s %% are not "
						+ "meaningful; repeat on a quieter machine.",
				String.join("; ", causes), x(noise.noisePercent()));
	}

	private static String capitalise(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

	static String x(double value) {
		return (value >= 100) ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
	}

	private static String ms(double value) {
		return String.format(Locale.ROOT, "%,.1f", value);
	}

}
