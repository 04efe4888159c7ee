package dev.concurrencylab.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.comparison.ComparisonService;
import dev.concurrencylab.experiment.InvalidRequestException;
import dev.concurrencylab.store.Fingerprints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** What a comparison of results warns about, beside its statistics. */
class HistoryServiceTest {

	private final StoredRuns runs = mock(StoredRuns.class);

	private final ComparisonService comparisons = mock(ComparisonService.class);

	private final Fingerprints fingerprints = mock(Fingerprints.class);

	private final HistoryService history = new HistoryService(this.runs, this.comparisons, this.fingerprints);

	@Test
	void differentMachinesInterferenceAndModesOnOneSideShouldEachBeSaid() {
		given(this.comparisons.view(anyString())).willReturn(Optional.empty());
		given(this.fingerprints.find(any())).willReturn(Optional.empty());
		given(this.runs.experiments(List.of("a", "b", "c", "d", "x")))
			.willReturn(List.of(run("a", "virtual-threads", 100, "f1", false),
					run("b", "virtual-threads", 101, "f1", false), run("c", "virtual-threads", 99, "f1", false),
					run("d", "virtual-threads", 102, "f1", false), run("x", "async", 50, "f1", false)));
		given(this.runs.experiments(List.of("e", "f", "g", "h"))).willReturn(
				List.of(run("e", "virtual-threads", 100, "f2", true), run("f", "virtual-threads", 99, "f2", false),
						run("g", "virtual-threads", 101, "f2", false), run("h", "virtual-threads", 100, "f2", false)));

		ResultComparison result = this.history.compare("a,b,c,d,x", "e,f,g,h", null);

		assertThat(result.modes()).singleElement().satisfies((mode) -> {
			assertThat(mode.mode()).isEqualTo("virtual-threads");
			assertThat(mode.verdict()).isEqualTo("NO_SIGNIFICANT_DIFFERENCE");
		});
		assertThat(result.warnings()).hasSize(3);
		assertThat(result.warnings().get(0))
			.isEqualTo("async has successful runs in the baseline only: it is not compared.");
		assertThat(result.warnings().get(1)).startsWith("The runs were measured on 2 different machines or runtimes")
			.contains("Baseline [f1], contender [f2]");
		assertThat(result.warnings().get(2)).contains("1 run shared the machine with other lab runs")
			.endsWith("rerun on a quiet machine before trusting a difference.");
		assertThat(result.baseline().fingerprints()).containsExactly("f1");
	}

	@Test
	void aClearSlowdownOfUnderFivePerCentShouldNotCountAsADifference() {
		given(this.comparisons.view(anyString())).willReturn(Optional.empty());
		given(this.runs.experiments(List.of("a", "b", "c", "d", "e"))).willReturn(List.of(
				run("a", "m", 100, "f", false), run("b", "m", 100.1, "f", false), run("c", "m", 100.2, "f", false),
				run("d", "m", 100.3, "f", false), run("e", "m", 100.4, "f", false)));
		given(this.runs.experiments(List.of("v", "w", "x", "y", "z"))).willReturn(List.of(
				run("v", "m", 103, "f", false), run("w", "m", 103.1, "f", false), run("x", "m", 103.2, "f", false),
				run("y", "m", 103.3, "f", false), run("z", "m", 103.4, "f", false)));

		ResultComparison.ModeChange change = this.history.compare("a,b,c,d,e", "v,w,x,y,z", "wallMillis")
			.modes()
			.get(0);

		// Every contender run is slower (p = 0.008), but by 3 %.
		assertThat(change.mannWhitneyP()).isLessThan(0.01);
		assertThat(change.verdict()).isEqualTo("NO_SIGNIFICANT_DIFFERENCE");
		assertThat(change.explanation()).contains("+3.0 %").contains("less than the 5 %");
	}

	@Test
	void anUnknownFigureOrNothingNamedShouldBeRefused() {
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> this.history.compare("a", "b", "cpuMillis"));
		assertThatExceptionOfType(InvalidRequestException.class)
			.isThrownBy(() -> this.history.compare(" , ", "b", null));
	}

	private static StoredRuns.Run run(String id, String mode, double wall, String fingerprint, boolean interfered) {
		return new StoredRuns.Run(id, mode, "sleep", 8, 8, "SUCCEEDED", null, null, fingerprint, 1.5,
				Instant.parse("2026-11-26T00:00:00Z"), wall, 8000 / wall, 0.9, interfered);
	}

}
