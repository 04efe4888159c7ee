package dev.concurrencylab.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A scenario's stored results over time, newest first, as {@code GET /history} shows
 * them.
 *
 * @param items the results of this page
 * @param page the page number, from 0
 * @param size the page size
 * @param total results matching the filter
 * @param fingerprints what each fingerprint id in the page stands for
 */
public record HistoryView(List<Item> items, int page, int size, int total, Map<String, String> fingerprints) {

	/**
	 * One stored experiment.
	 *
	 * @param id its id
	 * @param createdAt when it was accepted
	 * @param status how it ended
	 * @param mode its mode
	 * @param workload its workload type
	 * @param tasks its tasks
	 * @param concurrency its concurrency
	 * @param label its label
	 * @param wallMillis its wall time (null if it never ran)
	 * @param throughputPerSecond finished tasks per second of wall time
	 * @param efficiency ideal ÷ wall
	 * @param capacity the machine's measured parallel capacity when it finished
	 * @param interfered whether other lab runs shared the machine with it
	 * @param fingerprint the machine and runtime it ran on (see {@code fingerprints})
	 * @param comparison the comparison it was a run of, or null
	 * @param self its link
	 */
	public record Item(String id, Instant createdAt, String status, String mode, String workload, int tasks,
			int concurrency, String label, Double wallMillis, Double throughputPerSecond, Double efficiency,
			Double capacity, Boolean interfered, String fingerprint, String comparison, String self) {

		static Item of(StoredRuns.Run run) {
			return new Item(run.id(), run.createdAt(), run.status(), run.mode(), run.workload(), run.tasks(),
					run.concurrency(), run.label(), run.wallMillis(), run.throughputPerSecond(), run.efficiency(),
					run.capacity(), run.interfered(), run.fingerprintId(), run.comparisonId(),
					"/experiments/" + run.id());
		}

	}

}
