package dev.concurrencylab.comparison;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {

	@Test
	void computationVerdictShouldNameTheWinnerTheCapacityAndWhoGainsNothing() {
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("platform-threads", 2100, 1.9),
				result("gil-threads", 4050, 0.99), result("process-pool", 2150, 1.86));

		String verdict = Verdict.of(new CpuWorkload(300_000_000), results, 1.95, Set.of("sequential", "gil-threads"));

		assertThat(verdict).startsWith("Computation: platform-threads and process-pool tie as fastest at 2,100.0 ms")
			.contains("capacity is 1.95 cores' worth")
			.contains("the winner reaches it")
			.contains("gil-threads (0.99×) — by design they never compute two tasks at once");
	}

	@Test
	void aWinnerFasterThanTheCapacityShouldBeCalledNoisy() {
		List<ModeResult> results = List.of(result("sequential", 4000, 1.0), result("process-pool", 2000, 2.0));

		assertThat(Verdict.of(new CpuWorkload(1), results, 1.2, Set.of("sequential"))).contains("noisy");
	}

	@Test
	void waitsVerdictShouldMeasureAgainstTheSlowestWithoutSequential() {
		List<ModeResult> results = List.of(result("virtual-threads", 1010, 49.5),
				result("platform-threads", 50000, 1.0));

		assertThat(Verdict.of(new SleepWorkload(1000, 1), results, 1.9, Set.of()))
			.startsWith("Waits: virtual-threads is fastest at 1,010.0 ms, 49.50× faster than the slowest mode.");
	}

	private static ModeResult result(String mode, double wall, double speedup) {
		return new ModeResult(mode, 3, new ModeResult.Stats(wall, wall, wall), wall, 1.0, speedup, 0, List.of());
	}

}
