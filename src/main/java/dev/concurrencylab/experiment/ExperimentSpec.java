package dev.concurrencylab.experiment;

import dev.concurrencylab.arrival.Arrival;
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
 * @param record whether JFR records the run
 * @param arrival the open model's arrivals (then {@code tasks} is how many arrive), or
 * null: every task there from the start
 */
public record ExperimentSpec(ModeRunner mode, Workload workload, int tasks, int concurrency, long timeoutMillis,
		String label, Isolation isolation, boolean record, Arrival arrival) {

	/** A closed-model spec. */
	public ExperimentSpec(ModeRunner mode, Workload workload, int tasks, int concurrency, long timeoutMillis,
			String label, Isolation isolation, boolean record) {
		this(mode, workload, tasks, concurrency, timeoutMillis, label, isolation, record, null);
	}

	/** A spec that does not record. */
	public ExperimentSpec(ModeRunner mode, Workload workload, int tasks, int concurrency, long timeoutMillis,
			String label, Isolation isolation) {
		this(mode, workload, tasks, concurrency, timeoutMillis, label, isolation, false);
	}

}
