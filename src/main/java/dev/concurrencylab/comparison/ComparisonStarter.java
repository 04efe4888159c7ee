package dev.concurrencylab.comparison;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.experiment.ExperimentStarter;
import dev.concurrencylab.experiment.RunAnswer;

/**
 * Starts a comparison and answers the way {@code POST /comparisons} does: 201 with the
 * results if it finished within {@code waitMillis}, else 202 with the progress so far.
 */
@Component
public class ComparisonStarter {

	private final ComparisonService comparisons;

	private final LabProperties limits;

	ComparisonStarter(ComparisonService comparisons, LabProperties limits) {
		this.comparisons = comparisons;
		this.limits = limits;
	}

	public CompletableFuture<ResponseEntity<ComparisonView>> start(ComparisonRequest request, Long waitMillis) {
		long wait = ExperimentStarter.validWait(waitMillis, this.limits);
		Comparison comparison = this.comparisons.start(request);
		return RunAnswer.after(comparison.done(), comparison, wait, this::answer);
	}

	ComparisonView view(Comparison comparison) {
		return this.comparisons.view(comparison);
	}

	private ResponseEntity<ComparisonView> answer(Comparison comparison) {
		return RunAnswer.of(URI.create("/comparisons/" + comparison.id()), comparison.status().isFinished(),
				view(comparison));
	}

}
