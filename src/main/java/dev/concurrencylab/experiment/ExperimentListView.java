package dev.concurrencylab.experiment;

import java.time.Instant;
import java.util.List;

import dev.concurrencylab.report.Summary;

/**
 * A page of experiments, newest first, as {@code GET /experiments} shows it.
 *
 * @param items the experiments of this page
 * @param page the page number, from 0
 * @param size the page size
 * @param total experiments matching the filter
 */
public record ExperimentListView(List<Item> items, int page, int size, int total) {

	/**
	 * One experiment in a list.
	 *
	 * @param id its id
	 * @param label its label
	 * @param status its status
	 * @param mode its mode
	 * @param workload its workload type
	 * @param tasks number of tasks
	 * @param concurrency most in flight
	 * @param createdAt when it was accepted
	 * @param finishedAt when it finished
	 * @param wallMillis its wall time, once finished
	 * @param efficiency ideal ÷ wall, once finished
	 * @param self its link
	 */
	public record Item(String id, String label, ExperimentStatus status, String mode, String workload, int tasks,
			int concurrency, Instant createdAt, Instant finishedAt, Double wallMillis, Double efficiency, String self) {

		static Item of(Experiment experiment) {
			ExperimentSpec spec = experiment.spec();
			Summary summary = experiment.summary();
			return new Item(experiment.id(), spec.label(), experiment.status(), spec.mode().id(),
					spec.workload().typeId(), spec.tasks(), spec.concurrency(), experiment.createdAt(),
					experiment.finishedAt(), (summary != null) ? summary.wallMillis() : null,
					(summary != null) ? summary.efficiency() : null, "/experiments/" + experiment.id());
		}

	}

}
