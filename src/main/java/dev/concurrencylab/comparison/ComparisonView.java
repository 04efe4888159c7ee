package dev.concurrencylab.comparison;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.report.OpenModel;
import dev.concurrencylab.experiment.ExperimentService;
import dev.concurrencylab.experiment.ExperimentSpec;
import dev.concurrencylab.experiment.ExperimentStatus;
import dev.concurrencylab.workload.Workload;

/**
 * A comparison as {@code GET /comparisons/{id}} shows it.
 *
 * @param id its id
 * @param label its label
 * @param status QUEUED, RUNNING, SUCCEEDED, FAILED (some run failed) or CANCELLED
 * @param workload the workload
 * @param tasks tasks per run
 * @param repeats runs per mode
 * @param runsDone runs finished so far
 * @param runsTotal runs planned
 * @param createdAt when it was accepted
 * @param finishedAt when it finished
 * @param capacity the machine's measured parallel capacity used by the ideals
 * @param noise how quiet the machine was during the comparison's window
 * @param results per mode, in the order asked
 * @param verdict who won and why, in plain words
 * @param error why it failed, or null
 * @param links the chart and this resource
 */
public record ComparisonView(String id, String label, ExperimentStatus status, Workload workload, int tasks,
		int repeats, int runsDone, int runsTotal, Instant createdAt, Instant finishedAt, Double capacity,
		MachineNoise noise, List<ModeResult> results, String verdict, String error, Map<String, String> links) {

	static ComparisonView of(Comparison comparison, Double capacity) {
		Map<String, List<ExperimentService.Outcome>> outcomes = comparison.outcomes();
		List<ModeResult> results = results(outcomes,
				comparison.specs()
					.stream()
					.collect(Collectors.toMap((spec) -> spec.mode().id(), ExperimentSpec::concurrency, (a, b) -> a)));
		MachineNoise noise = MachineNoise.of(comparison.capacityBefore(), comparison.capacityAfter(),
				comparison.interference(), comparison.windowMillis());
		int done = outcomes.values().stream().mapToInt(List::size).sum();
		String self = "/comparisons/" + comparison.id();
		return new ComparisonView(comparison.id(), comparison.request().label(), comparison.status(),
				comparison.request().workload(), comparison.specs().get(0).tasks(), comparison.repeats(), done,
				comparison.repeats() * comparison.specs().size(), comparison.createdAt(), comparison.finishedAt(),
				capacity, noise, results,
				(done > 0) ? Verdict.of(comparison.request().workload(), comparison.specs().get(0).tasks(), results,
						capacity, serialising(comparison), noise) : null,
				comparison.error(), Map.of("self", self, "chart", self + "/chart.svg"));
	}

	/**
	 * This view as it reads once the comparison ended otherwise than it knew: the service
	 * stopped while it ran.
	 */
	ComparisonView ended(ExperimentStatus outcome, String why, Instant at) {
		return new ComparisonView(this.id, this.label, outcome, this.workload, this.tasks, this.repeats, this.runsDone,
				this.runsTotal, this.createdAt, at, this.capacity, this.noise, this.results, this.verdict, why,
				this.links);
	}

	/** The compared modes that compute one task at a time by design. */
	private static Set<String> serialising(Comparison comparison) {
		return comparison.specs()
			.stream()
			.filter((spec) -> spec.mode().computeParallelism(spec.concurrency(), LabProperties.cores()) == 1)
			.map((spec) -> spec.mode().id())
			.collect(Collectors.toSet());
	}

	static List<ModeResult> results(Map<String, List<ExperimentService.Outcome>> outcomes,
			Map<String, Integer> concurrency) {
		List<Double> sequentialWalls = walls(outcomes.getOrDefault("sequential", List.of()));
		Double sequential = sequentialWalls.isEmpty() ? null : ModeResult.Stats.of(sequentialWalls).median();
		List<ModeResult> results = new ArrayList<>();
		outcomes.forEach((mode, runs) -> {
			List<Double> walls = walls(runs);
			List<String> ids = runs.stream().map(ExperimentService.Outcome::id).toList();
			int failed = (int) runs.stream().filter((r) -> r.status() != ExperimentStatus.SUCCEEDED).count();
			if (walls.isEmpty()) {
				results.add(new ModeResult(mode, 0, null, 0, 0, null, null, failed, ids));
				return;
			}
			List<ExperimentService.Outcome> succeeded = runs.stream()
				.filter((r) -> r.status() == ExperimentStatus.SUCCEEDED && r.summary() != null)
				.toList();
			ModeResult.Stats wall = ModeResult.Stats.of(walls);
			double ideal = ModeResult.Stats.of(succeeded.stream().map((r) -> r.summary().idealMillis()).toList())
				.median();
			List<Double> speedups = succeeded.stream().map((r) -> r.summary().speedup()).toList();
			Double speedup = speedups.contains(null) ? null : ModeResult.Stats.of(speedups).median();
			results.add(new ModeResult(mode, walls.size(), wall, ideal, ModeResult.round(ideal / wall.median()),
					speedup, (sequential != null) ? ModeResult.round(sequential / wall.median()) : null, failed, ids,
					openRuns(succeeded, concurrency.getOrDefault(mode, 0))));
		});
		return results;
	}

	/** The open model's figures of a mode's successful runs; null in the closed model. */
	private static ModeResult.OpenRuns openRuns(List<ExperimentService.Outcome> runs, int concurrency) {
		List<OpenModel> open = runs.stream()
			.map((r) -> r.summary().openModel())
			.filter((o) -> o != null && o.latencyMillis() != null)
			.toList();
		if (open.isEmpty()) {
			return null;
		}
		return new ModeResult.OpenRuns(concurrency,
				ModeResult.Stats.of(open.stream().map((o) -> o.latencyMillis().p99()).toList()),
				ModeResult.Stats.of(open.stream().map(OpenModel::achievedPerSecond).toList()),
				ModeResult.Stats.of(open.stream().map((o) -> (double) o.late()).toList()),
				ModeResult.Stats.of(open.stream().map((o) -> (double) o.dropped()).toList()), open.get(0).arrived());
	}

	private static List<Double> walls(List<ExperimentService.Outcome> runs) {
		return runs.stream()
			.filter((r) -> r.status() == ExperimentStatus.SUCCEEDED && r.summary() != null)
			.map((r) -> r.summary().wallMillis())
			.toList();
	}

}
