package dev.concurrencylab.comparison;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.experiment.ExperimentStarter;
import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.machine.MachineService;

/**
 * Starts a comparison and answers the way {@code POST /comparisons} does: 201 with the
 * results if it finished within {@code waitMillis}, else 202 with the progress so far.
 */
@Component
public class ComparisonStarter {

	private final ComparisonService comparisons;

	private final MachineService machine;

	private final LabProperties limits;

	ComparisonStarter(ComparisonService comparisons, MachineService machine, LabProperties limits) {
		this.comparisons = comparisons;
		this.machine = machine;
		this.limits = limits;
	}

	public CompletableFuture<ResponseEntity<ComparisonView>> start(ComparisonRequest request, Long waitMillis) {
		long wait = ExperimentStarter.validWait(waitMillis, this.limits);
		Comparison comparison = this.comparisons.start(request);
		return comparison.done()
			.copy()
			.completeOnTimeout(comparison, wait, TimeUnit.MILLISECONDS)
			.thenApply(this::answer);
	}

	ComparisonView view(Comparison comparison) {
		if (comparison.capacityBefore() != null) {
			return ComparisonView.of(comparison, comparison.capacityBefore());
		}
		Capacity capacity = this.machine.currentCapacity();
		return ComparisonView.of(comparison, (capacity != null) ? capacity.parallelCapacity() : null);
	}

	private ResponseEntity<ComparisonView> answer(Comparison comparison) {
		URI location = URI.create("/comparisons/" + comparison.id());
		ComparisonView view = view(comparison);
		boolean finished = comparison.status().isFinished();
		return finished ? ResponseEntity.created(location).body(view)
				: ResponseEntity.accepted().location(location).body(view);
	}

}
