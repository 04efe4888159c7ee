package dev.concurrencylab.experiment;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.workload.Workload;

/**
 * The body of {@code POST /experiments}, as sent: absent fields are null and get their
 * defaults in {@link ExperimentRequestValidator}.
 *
 * @param mode the execution model
 * @param workload what each task does
 * @param tasks how many tasks
 * @param concurrency most tasks in flight
 * @param timeoutMillis the experiment's deadline
 * @param label a free text to recognise it by
 * @param isolation {@code exclusive} or {@code shared}
 * @param record whether to record JFR during the run
 * @param arrival the open model's arrivals, instead of {@code tasks}
 */
public record ExperimentRequest(
		@Schema(description = "Execution model; see GET /modes", example = "virtual-threads",
				requiredMode = Schema.RequiredMode.REQUIRED) String mode,
		@Schema(description = "What each task does; see GET /workloads",
				requiredMode = Schema.RequiredMode.REQUIRED) Workload workload,
		@Schema(description = "Number of tasks, 1 to lab.max-tasks (1,000,000)", example = "1000",
				defaultValue = "10") Integer tasks,
		@Schema(description = "Most tasks in flight; the mode's default when absent (see GET /modes)",
				example = "1000") Integer concurrency,
		@Schema(description = "Deadline: tasks not finished by then are cancelled and the experiment FAILS",
				example = "60000", defaultValue = "300000") Long timeoutMillis,
		@Schema(description = "Free text, at most 100 characters; never used as a metric tag",
				example = "1000 waits") String label,
		@Schema(description = "`exclusive`: waits in QUEUED until no other run (experiment, comparison, calibration) "
				+ "is active, and nothing else starts while it runs. `shared`: may run beside other shared runs; "
				+ "each reports the others in `summary.interference`. Default: exclusive when the workload computes "
				+ "(cpu, mixed), shared for pure waits (sleep, http).",
				allowableValues = {
						"exclusive", "shared" },
				example = "shared") String isolation,
		@Schema(description = "Records JFR for the run's window: the service JVM, and the first "
				+ "lab.recording.max-workers worker JVMs of a process mode. The experiment then has a `jfr` summary "
				+ "(virtual threads pinned, with reasons and frames; parks and monitor waits of at least 10 ms; GC "
				+ "pauses) filtered to its own threads, and `jfr.files` to download (GET "
				+ "/experiments/{id}/recording.jfr). Recording adds overhead to the timings.",
				defaultValue = "false") Boolean record,
		@Schema(description = "The open model, instead of `tasks`: tasks arrive at `ratePerSecond` for "
				+ "`durationMillis` (`distribution`: `constant` or `poisson` with `seed`), whatever the mode's "
				+ "progress; one not started within `maxQueueMillis` (default 1000) of its arrival is DROPPED. "
				+ "Latency counts from each task's intended arrival (coordinated omission corrected): "
				+ "`summary.openModel` has its percentiles, the achieved rate, late and dropped tasks. Every mode but "
				+ "fork-join.") Arrival arrival){

	/** A request without an isolation: the workload's default applies. */
	public ExperimentRequest(String mode, Workload workload, Integer tasks, Integer concurrency, Long timeoutMillis,
			String label) {
		this(mode, workload, tasks, concurrency, timeoutMillis, label, null, null, null);
	}

	/** A request that does not record. */
	public ExperimentRequest(String mode, Workload workload, Integer tasks, Integer concurrency, Long timeoutMillis,
			String label, String isolation) {
		this(mode, workload, tasks, concurrency, timeoutMillis, label, isolation, null);
	}

	/** A closed-model request: a number of tasks, all there from the start. */
	public ExperimentRequest(String mode, Workload workload, Integer tasks, Integer concurrency, Long timeoutMillis,
			String label, String isolation, Boolean record) {
		this(mode, workload, tasks, concurrency, timeoutMillis, label, isolation, record, null);
	}

}
