package dev.concurrencylab.comparison;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.workload.Workload;

/**
 * The body of {@code POST /comparisons}.
 *
 * @param workload what each task does
 * @param tasks how many tasks per run
 * @param concurrency most tasks in flight; each mode's default when absent
 * @param modes the modes to compare
 * @param repeats runs per mode, 1–10
 * @param label a free text
 * @param arrival the open model's arrivals, instead of {@code tasks}
 * @param concurrencyByMode a concurrency for some modes, over {@code concurrency}
 */
public record ComparisonRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Workload workload,
		@Schema(example = "8", defaultValue = "10") Integer tasks, @Schema(example = "8") Integer concurrency,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
				example = "[\"sequential\", \"platform-threads\", \"gil-threads\", \"process-pool\"]") List<String> modes,
		@Schema(example = "3", defaultValue = "3") Integer repeats, @Schema(example = "cpu") String label,
		@Schema(description = "The open model for every run, instead of `tasks` (see POST /experiments)") Arrival arrival,
		@Schema(description = "A concurrency for some of the modes, over `concurrency`, e.g. a pool of 20 platform "
				+ "threads beside virtual threads",
				example = "{\"platform-threads\": 20}") Map<String, Integer> concurrencyByMode) {

	/** A closed-model comparison with one concurrency for every mode. */
	public ComparisonRequest(Workload workload, Integer tasks, Integer concurrency, List<String> modes, Integer repeats,
			String label) {
		this(workload, tasks, concurrency, modes, repeats, label, null, null);
	}

}
