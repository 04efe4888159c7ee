package dev.concurrencylab.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.springframework.stereotype.Service;

import dev.concurrencylab.comparison.ComparisonService;
import dev.concurrencylab.comparison.ComparisonView;
import dev.concurrencylab.experiment.FieldProblem;
import dev.concurrencylab.experiment.InvalidRequestException;
import dev.concurrencylab.store.Fingerprint;
import dev.concurrencylab.store.Fingerprints;

/**
 * Stored results over time, and a contender's results against a baseline's.
 */
@Service
class HistoryService {

	/**
	 * The smallest change of a median reported as a difference: on the shared 2-core
	 * machines the lab runs on, equal runs differ by a few per cent from one minute to
	 * the next (PERFORMANCE.md), so a smaller change, however small its p, is noise.
	 */
	static final double MIN_CHANGE = 0.05;

	static final int MAX_IDS = 100;

	private final StoredRuns runs;

	private final ComparisonService comparisons;

	private final Fingerprints fingerprints;

	HistoryService(StoredRuns runs, ComparisonService comparisons, Fingerprints fingerprints) {
		this.runs = runs;
		this.comparisons = comparisons;
		this.fingerprints = fingerprints;
	}

	HistoryView history(String workload, String mode, Integer tasks, String fingerprint, int page, int size) {
		List<HistoryView.Item> items = this.runs.history(workload, mode, tasks, fingerprint, page, size)
			.stream()
			.map(HistoryView.Item::of)
			.toList();
		Map<String, String> described = new LinkedHashMap<>();
		for (HistoryView.Item item : items) {
			if (item.fingerprint() != null && !described.containsKey(item.fingerprint())) {
				described.put(item.fingerprint(),
						this.fingerprints.find(item.fingerprint()).map(Fingerprint::description).orElse("unknown"));
			}
		}
		return new HistoryView(items, page, size, this.runs.count(workload, mode, tasks, fingerprint), described);
	}

	/** The figures a comparison of results can compare. */
	enum Figure {

		WALL_MILLIS("wallMillis", "ms", true, StoredRuns.Run::wallMillis),

		THROUGHPUT("throughputPerSecond", "tasks/s", false, StoredRuns.Run::throughputPerSecond);

		final String id;

		final String unit;

		final boolean lowerIsBetter;

		final Function<StoredRuns.Run, Double> value;

		Figure(String id, String unit, boolean lowerIsBetter, Function<StoredRuns.Run, Double> value) {
			this.id = id;
			this.unit = unit;
			this.lowerIsBetter = lowerIsBetter;
			this.value = value;
		}

		static Figure of(String id) {
			for (Figure figure : values()) {
				if (figure.id.equals(id)) {
					return figure;
				}
			}
			throw new InvalidRequestException(
					List.of(new FieldProblem("figure", "must be wallMillis or throughputPerSecond", id)));
		}

	}

	/** One side as named, with its runs. */
	private record Side(String kind, List<String> ids, List<StoredRuns.Run> runs, List<String> noisy) {
	}

	ResultComparison compare(String baselineIds, String contenderIds, String figureId) {
		Figure figure = Figure.of((figureId != null) ? figureId : "wallMillis");
		List<FieldProblem> problems = new ArrayList<>();
		Side baseline = side("baseline", baselineIds, problems);
		Side contender = side("contender", contenderIds, problems);
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
		List<String> warnings = new ArrayList<>();
		Set<String> modes = new LinkedHashSet<>();
		baseline.runs().stream().filter(StoredRuns.Run::succeeded).forEach((run) -> modes.add(run.mode()));
		contender.runs().stream().filter(StoredRuns.Run::succeeded).forEach((run) -> modes.add(run.mode()));
		List<ResultComparison.ModeChange> changes = new ArrayList<>();
		for (String mode : modes) {
			double[] before = values(baseline, mode, figure);
			double[] after = values(contender, mode, figure);
			if (before.length == 0 || after.length == 0) {
				warnings.add(mode + " has successful runs in the " + ((before.length == 0) ? "contender" : "baseline")
						+ " only: it is not compared.");
				continue;
			}
			changes.add(change(mode, before, after, figure));
		}
		if (changes.isEmpty()) {
			warnings.add("No mode has successful runs on both sides: there is nothing to compare.");
		}
		fingerprintWarning(baseline, contender).ifPresent(warnings::add);
		interferenceWarning(baseline, contender).ifPresent(warnings::add);
		return new ResultComparison(view(baseline), view(contender), figure.id, figure.unit, 100 * MIN_CHANGE, changes,
				warnings, verdict(changes));
	}

	private static ResultComparison.ModeChange change(String mode, double[] before, double[] after, Figure figure) {
		Significance.Result result = Significance.compare(mode, figure.unit, before, after, figure.lowerIsBetter);
		Significance.Verdict verdict = result.verdict();
		String explanation = result.explanation();
		boolean changed = verdict == Significance.Verdict.SLOWER || verdict == Significance.Verdict.FASTER;
		if (changed && !Double.isNaN(result.relativeChange()) && Math.abs(result.relativeChange()) < MIN_CHANGE) {
			verdict = Significance.Verdict.NO_SIGNIFICANT_DIFFERENCE;
			explanation = mode + ": no significant difference: the median moved "
					+ String.format(Locale.ROOT, "%+.1f %%", 100 * result.relativeChange()) + " (p = "
					+ String.format(Locale.ROOT, "%.3f", result.mannWhitneyP()) + "), less than the "
					+ Math.round(100 * MIN_CHANGE) + " % the lab counts as a difference on a shared machine.";
		}
		return new ResultComparison.ModeChange(mode, boxed(before), boxed(after), result.baselineMedian(),
				result.contenderMedian(), result.differenceOfMedians(), finite(result.relativeChange()), result.shift(),
				result.shiftInterval().low(), result.shiftInterval().high(), result.shiftInterval().confidence(),
				result.mannWhitneyU(), result.mannWhitneyP(), result.exact(), finite(result.welchP()),
				result.cliffsDelta(), result.effect().name(), verdict.name(), explanation);
	}

	private static String verdict(List<ResultComparison.ModeChange> changes) {
		if (changes.isEmpty()) {
			return "Nothing to compare.";
		}
		long changed = changes.stream()
			.filter((change) -> change.verdict().equals("SLOWER") || change.verdict().equals("FASTER"))
			.count();
		String head = (changed == 0) ? "No significant difference in any mode. "
				: changed + " of " + changes.size() + " mode" + ((changes.size() == 1) ? "" : "s") + " changed. ";
		return head + String.join(" ", changes.stream().map(ResultComparison.ModeChange::explanation).toList());
	}

	private Side side(String name, String named, List<FieldProblem> problems) {
		List<String> ids = (named == null) ? List.of()
				: List.of(named.split(",")).stream().map(String::strip).filter((id) -> !id.isEmpty()).toList();
		if (ids.isEmpty() || ids.size() > MAX_IDS) {
			problems.add(new FieldProblem(name,
					"must name one comparison id, or 1 to " + MAX_IDS + " experiment ids separated by commas", named));
			return new Side("experiments", ids, List.of(), List.of());
		}
		if (ids.size() == 1) {
			Optional<ComparisonView> comparison = this.comparisons.view(ids.get(0));
			if (comparison.isPresent()) {
				ComparisonView view = comparison.get();
				List<String> noisy = (view.noise() != null && view.noise().noisy())
						? List.of("comparison " + view.id() + " (noise " + view.noise().noisePercent() + " %)")
						: List.of();
				return new Side("comparison", ids, this.runs.ofComparison(ids.get(0)), noisy);
			}
		}
		List<StoredRuns.Run> found = this.runs.experiments(ids);
		if (found.size() < ids.size()) {
			List<String> missing = ids.stream()
				.filter((id) -> found.stream().noneMatch((run) -> run.id().equals(id)))
				.toList();
			problems.add(new FieldProblem(name,
					"names no stored comparison or experiment: " + String.join(", ",
							missing.stream().map((id) -> (id.length() > 40) ? id.substring(0, 40) + "…" : id).toList()),
					named));
		}
		return new Side("experiments", ids, found, List.of());
	}

	private static double[] values(Side side, String mode, Figure figure) {
		return side.runs()
			.stream()
			.filter(StoredRuns.Run::succeeded)
			.filter((run) -> run.mode().equals(mode))
			.map(figure.value)
			.filter(Objects::nonNull)
			.mapToDouble(Double::doubleValue)
			.toArray();
	}

	private Optional<String> fingerprintWarning(Side baseline, Side contender) {
		Set<String> before = fingerprintIds(baseline);
		Set<String> after = fingerprintIds(contender);
		Set<String> all = new LinkedHashSet<>(before);
		all.addAll(after);
		if (all.size() <= 1) {
			return Optional.empty();
		}
		List<String> described = all.stream()
			.map((id) -> id + " = " + this.fingerprints.find(id).map(Fingerprint::description).orElse("unknown"))
			.toList();
		return Optional.of("The runs were measured on " + all.size()
				+ " different machines or runtimes (fingerprints): a difference may be theirs, not the mode's. "
				+ "Baseline " + before + ", contender " + after + ": " + String.join("; ", described) + ".");
	}

	private static Set<String> fingerprintIds(Side side) {
		Set<String> ids = new LinkedHashSet<>();
		side.runs().stream().map(StoredRuns.Run::fingerprintId).filter(Objects::nonNull).forEach(ids::add);
		return ids;
	}

	private static Optional<String> interferenceWarning(Side baseline, Side contender) {
		List<String> noted = new ArrayList<>(baseline.noisy());
		noted.addAll(contender.noisy());
		long shared = baseline.runs().stream().filter((run) -> Boolean.TRUE.equals(run.interfered())).count()
				+ contender.runs().stream().filter((run) -> Boolean.TRUE.equals(run.interfered())).count();
		if (shared > 0) {
			noted.add(shared + " run" + ((shared == 1) ? "" : "s") + " shared the machine with other lab runs");
		}
		if (noted.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of("Interference was recorded (" + String.join("; ", noted)
				+ "): rerun on a quiet machine before trusting a difference.");
	}

	private static ResultComparison.Side view(Side side) {
		return new ResultComparison.Side(side.kind(), side.ids(),
				(int) side.runs().stream().filter(StoredRuns.Run::succeeded).count(),
				List.copyOf(fingerprintIds(side)));
	}

	private static List<Double> boxed(double[] values) {
		List<Double> boxed = new ArrayList<>(values.length);
		for (double value : values) {
			boxed.add(value);
		}
		return boxed;
	}

	private static Double finite(double value) {
		return Double.isFinite(value) ? value : null;
	}

}
