package dev.concurrencylab.comparison;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.concurrencylab.workload.Workload;

/**
 * The plain-language verdict of a comparison: who won, by how much, and why, from the
 * numbers alone. Pure.
 */
final class Verdict {

	/** Modes within this ratio of the winner's median count as a tie. */
	static final double TIE = 1.10;

	/** A speedup below this is "nothing gained". */
	static final double NO_GAIN = 1.15;

	private Verdict() {
	}

	/**
	 * The verdict.
	 * @param serialising the modes that by design compute one task at a time
	 */
	static String of(Workload workload, List<ModeResult> results, Double capacity, Set<String> serialising) {
		List<ModeResult> ran = results.stream().filter((r) -> r.runs() > 0).toList();
		if (ran.isEmpty()) {
			return "No run finished, so there is nothing to compare.";
		}
		ModeResult winner = ran.stream().min(Comparator.comparingDouble((r) -> r.wallMillis().median())).orElseThrow();
		List<String> tied = ran.stream()
			.filter((r) -> r != winner && r.wallMillis().median() <= winner.wallMillis().median() * TIE)
			.map(ModeResult::mode)
			.toList();
		String kind = (workload.iterationsPerTask() == 0) ? "waits"
				: (workload.waitMillisPerTask() == 0) ? "computation" : "mixed work";
		boolean hasSequential = ran.stream().anyMatch((r) -> r.mode().equals("sequential"));
		String baseline = hasSequential ? "sequential" : "the slowest mode";
		List<String> sentences = new ArrayList<>();
		String who = tied.isEmpty() ? winner.mode() : winner.mode() + " and " + String.join(", ", tied) + " tie";
		sentences.add(String.format(Locale.ROOT, "%s: %s %s fastest at %s ms, %s× faster than %s.", capitalise(kind),
				who, tied.isEmpty() ? "is" : "as", ms(winner.wallMillis().median()), x(winner.speedup()), baseline));
		if (kind.equals("computation") && capacity != null) {
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
		else if (kind.equals("waits")) {
			sentences.add("Waits overlap whenever a mode keeps many tasks in flight; what limits it is how many it "
					+ "may have at once, not the cores.");
		}
		List<ModeResult> noGain = ran.stream()
			.filter((r) -> !r.mode().equals("sequential") && r != winner && r.speedup() < NO_GAIN)
			.toList();
		List<String> byDesign = noGain.stream()
			.filter((r) -> serialising.contains(r.mode()))
			.map((r) -> r.mode() + " (" + x(r.speedup()) + "×)")
			.toList();
		List<String> heldBack = noGain.stream()
			.filter((r) -> !serialising.contains(r.mode()))
			.map((r) -> r.mode() + " (" + x(r.speedup()) + "×)")
			.toList();
		if (!byDesign.isEmpty()) {
			sentences.add("Gaining nothing over " + baseline + ": " + String.join(", ", byDesign)
					+ (kind.equals("waits") ? "." : " — by design they never compute two tasks at once."));
		}
		if (!heldBack.isEmpty()) {
			sentences.add("Also no faster than " + baseline + ": " + String.join(", ", heldBack)
					+ " — limited by how many tasks it may run at once, or by a busy machine.");
		}
		String slower = ran.stream()
			.filter((r) -> r.efficiency() > 0 && r.efficiency() < 0.5 && r != winner)
			.map((r) -> r.mode() + " reached " + Math.round(r.efficiency() * 100) + "% of its ideal")
			.collect(Collectors.joining("; "));
		if (!slower.isEmpty()) {
			sentences.add("Far from their ideal: " + slower + ".");
		}
		return String.join(" ", sentences);
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
