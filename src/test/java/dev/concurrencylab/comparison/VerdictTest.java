package dev.concurrencylab.comparison;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.experiment.ExperimentService;
import dev.concurrencylab.experiment.ExperimentStatus;
import dev.concurrencylab.report.Summary;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {

	@Test
	void computationVerdictShouldNameTheWinnerTheCapacityAndWhoGainsNothing() {
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("platform-threads", 2100, 1.9),
				result("gil-threads", 4050, 0.99), result("process-pool", 2150, 1.86));

		String verdict = Verdict.of(new CpuWorkload(300_000_000), 4, results, 1.95, Set.of("sequential", "gil-threads"),
				QUIET);

		assertThat(verdict).startsWith("Computation: platform-threads and process-pool tie as fastest at 2,100.0 ms")
			.contains("capacity is 1.95 cores' worth")
			.contains("the winner reaches it")
			.contains("gil-threads (0.99×) — by design they never compute two tasks at once");
	}

	@Test
	void aWinnerFasterThanTheCapacityShouldBeCalledNoisy() {
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("process-pool", 2000, 2.0));

		assertThat(Verdict.of(new CpuWorkload(1), 4, results, 1.2, Set.of("sequential"), QUIET)).contains("noisy");
	}

	@Test
	void fileVerdictShouldSayThereIsNoIdealAndWhereTheBytesCameFrom() {
		List<ModeResult> results = List.of(result("virtual-threads", 378, 1), result("platform-threads", 928, 1));

		assertThat(Verdict.of(new FileWorkload(FileWorkload.Op.WRITE, 64), 2000, results, 1.9, Set.of(), QUIET))
			.startsWith("File I/O: virtual-threads is fastest at 378.0 ms")
			.contains("no ideal")
			.doesNotContain("Waits overlap");
	}

	@Test
	void openModelVerdictShouldNameWhoKeptUpAndWhoFellBehindWithTheirFigures() {
		ModeResult.Stats none = new ModeResult.Stats(0, 0, 0);
		ModeResult pool = new ModeResult("platform-threads", 1, new ModeResult.Stats(11000, 11000, 11000), 20000, 0.55,
				null, null, 0, List.of("a"),
				new ModeResult.OpenRuns(20, new ModeResult.Stats(1100, 1100, 1100), new ModeResult.Stats(199, 199, 199),
						new ModeResult.Stats(2190, 2190, 2190), new ModeResult.Stats(2800, 2800, 2800), 5000));
		ModeResult virtual = new ModeResult("virtual-threads", 1, new ModeResult.Stats(10100, 10100, 10100), 10100, 1.0,
				null, null, 0, List.of("b"), new ModeResult.OpenRuns(5000, new ModeResult.Stats(100.5, 100.5, 100.5),
						new ModeResult.Stats(495, 495, 495), new ModeResult.Stats(4, 4, 4), none, 5000));

		assertThat(Verdict.of(new SleepWorkload(100, 1), 5000, List.of(pool, virtual), 1.9, Set.of(), QUIET))
			.startsWith("Open model: kept up with the arrivals — virtual-threads (up to 5,000 in flight, p99 100.5 ms")
			.contains("Fell behind — platform-threads (20 threads, p99 1,100.0 ms from arrival, 199.0/s, 2,190 late "
					+ "and 2,800 dropped of 5,000)")
			.doesNotContain("fastest");
	}

	@Test
	void waitsVerdictShouldMeasureAgainstTheSlowestWithoutSequential() {
		List<ModeResult> results = List.of(result("virtual-threads", 1010, 49.5),
				result("platform-threads", 50000, 1.0));

		assertThat(Verdict.of(new SleepWorkload(1000, 1), 4, results, 1.9, Set.of(), QUIET))
			.startsWith("Waits: virtual-threads is fastest at 1,010.0 ms, 49.50× faster than the slowest mode.");
	}

	@Test
	void aModeWithAFailedRunShouldNeverBeTheWinner() {
		ModeResult lucky = new ModeResult("process-pool", 1, new ModeResult.Stats(1500, 1500, 1500), 1500, 1.0, 2.6,
				2.6, 2, List.of("a", "b", "c"));
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("platform-threads", 2100, 1.9),
				lucky);

		String verdict = Verdict.of(new CpuWorkload(300_000_000), 4, results, 1.95, Set.of("sequential"), QUIET);

		assertThat(verdict).contains("platform-threads is fastest")
			.contains("process-pool is not ranked: 2 of its 3 runs failed or were cancelled")
			.doesNotContain("process-pool is fastest");
	}

	@Test
	void aModeThatFailedOneOfItsRunsShouldBeCountedAndNotRanked() {
		Map<String, List<ExperimentService.Outcome>> outcomes = new LinkedHashMap<>();
		outcomes.put("sequential", List.of(run("s1", 4000), run("s2", 4000)));
		outcomes.put("platform-threads", List.of(run("p1", 2100), run("p2", 2100)));
		outcomes.put("processes", List.of(run("x1", 1500),
				new ExperimentService.Outcome("x2", ExperimentStatus.FAILED, summary(900), "1 of 8 tasks failed")));

		List<ModeResult> results = ComparisonView.results(outcomes, Map.of());
		String verdict = Verdict.of(new CpuWorkload(300_000_000), 4, results, 1.95, Set.of("sequential"), QUIET);

		assertThat(results.get(2).failedRuns()).isEqualTo(1);
		assertThat(results.get(2).runs()).isEqualTo(1);
		assertThat(results.get(1).vsSequential()).isEqualTo(1.905);
		assertThat(verdict).startsWith("Computation: platform-threads is fastest")
			.contains("processes is not ranked: 1 of its 2 runs failed or were cancelled");
	}

	@Test
	void aNoisyMachineShouldNameNoWinnerAmongModesWithinTheNoise() {
		MachineNoise noisy = MachineNoise.of(1.9, 1.4, null, 0);
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("platform-threads", 2100, 1.9),
				result("fork-join", 2400, 1.66));

		String verdict = Verdict.of(new CpuWorkload(300_000_000), 4, results, 1.9, Set.of("sequential"), noisy);

		assertThat(noisy.noisy()).isTrue();
		assertThat(noisy.capacityChangePercent()).isEqualTo(26.32);
		assertThat(verdict).startsWith("The machine was noisy during this comparison")
			.contains("capacity was 1.90 before the runs and 1.40 after")
			.contains("no winner among platform-threads and fork-join")
			.doesNotContain("is fastest");
	}

	@Test
	void aSteadyCapacityAndNoOtherLoadShouldBeQuiet() {
		assertThat(MachineNoise.of(1.9, 1.95, null, 0).noisy()).isFalse();
	}

	private static ExperimentService.Outcome run(String id, double wall) {
		return new ExperimentService.Outcome(id, ExperimentStatus.SUCCEEDED, summary(wall), null);
	}

	private static Summary summary(double wall) {
		return new Summary(wall, 8, 0, 0, null, null, 1, 8, 1, 1, 1, 0, 2000, "computation", 2000 / wall, 4000.0,
				4000 / wall, null, null, null);
	}

	private static final MachineNoise QUIET = MachineNoise.of(null, null, null, 0);

	private static ModeResult result(String mode, double wall, double speedup) {
		return new ModeResult(mode, 3, new ModeResult.Stats(wall, wall, wall), wall, 1.0, speedup, 4000 / wall, 0,
				List.of("a", "b", "c"));
	}

}
