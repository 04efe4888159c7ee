package dev.concurrencylab.comparison;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

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
 */
public record ComparisonRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Workload workload,
		@Schema(example = "8", defaultValue = "10") Integer tasks, @Schema(example = "8") Integer concurrency,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
				example = "[\"sequential\", \"platform-threads\", \"gil-threads\", \"process-pool\"]") List<String> modes,
		@Schema(example = "3", defaultValue = "3") Integer repeats, @Schema(example = "cpu") String label) {
}
