package dev.concurrencylab.experiment;

import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.workload.Workload;

/**
 * A validated experiment request with every default filled in.
 *
 * @param mode the mode's runner
 * @param workload what each task does
 * @param tasks how many tasks
 * @param concurrency most tasks in flight
 * @param timeoutMillis the deadline
 * @param label the label, or null
 * @param isolation whether it runs alone or beside other shared runs
 */
public record ExperimentSpec(ModeRunner mode, Workload workload, int tasks, int concurrency, long timeoutMillis,
		String label, Isolation isolation) {
}
