package dev.concurrencylab.experiment;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.workload.DbPools;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.StepsWorkload;

/** {@code /modes} and {@code /workloads}: what an experiment can ask for. */
@RestController
@Tag(name = "catalog", description = "The execution models and workloads an experiment can use")
class CatalogController {

	/** Task counts the concurrency rules are shown for. */
	private static final List<Integer> EXAMPLE_TASKS = List.of(10, 10_000);

	private final Modes modes;

	private final LabProperties limits;

	private final DbPools dbPools;

	CatalogController(Modes modes, LabProperties limits, DbPools dbPools) {
		this.modes = modes;
		this.limits = limits;
		this.dbPools = dbPools;
	}

	/**
	 * One mode.
	 *
	 * @param id its id in requests
	 * @param description what runs a task
	 * @param suits the workload types it suits
	 * @param concurrency default and maximum concurrency for some task counts on this
	 * machine
	 */
	record ModeView(String id, String description, List<String> suits, List<ConcurrencyRule> concurrency) {
	}

	/**
	 * Default and maximum concurrency for a task count.
	 *
	 * @param tasks the task count
	 * @param defaultConcurrency used when a request names none
	 * @param maxConcurrency the most a request may ask for
	 */
	record ConcurrencyRule(int tasks, int defaultConcurrency, int maxConcurrency) {
	}

	/**
	 * One workload field.
	 *
	 * @param name the JSON name
	 * @param required whether it must be sent
	 * @param min smallest value
	 * @param max largest value
	 * @param defaultValue value when absent; left out of the JSON for a required field
	 * @param description what it means
	 */
	record FieldView(String name, boolean required, long min, long max,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(
					description = "value when absent; only for optional fields") Long defaultValue,
			String description) {
	}

	/**
	 * One workload type.
	 *
	 * @param type the value of {@code type}
	 * @param description what a task does
	 * @param fields its fields
	 * @param example a request body using it
	 */
	record WorkloadView(String type, String description, List<FieldView> fields, Map<String, Object> example) {
	}

	@GetMapping(path = "/modes", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List the execution models",
			description = "Each mode with what runs a task, the workloads it suits, and its default and maximum "
					+ "concurrency for 10 and 10,000 tasks on this machine.")
	List<ModeView> modes() {
		int cores = LabProperties.cores();
		return this.modes.all().stream().map((mode) -> view(mode, cores)).toList();
	}

	@GetMapping(path = "/workloads", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List the workload types", description = "Each type with its fields, bounds and an example.")
	List<WorkloadView> workloads() {
		FieldView millis = new FieldView("millis", true, 0, this.limits.maxMillis(), null, "milliseconds to wait");
		FieldView iterations = new FieldView("iterations", true, 0, this.limits.maxIterations(), null,
				"rounds of the deterministic CPU kernel (about 1–2 ns each)");
		return List.of(
				new WorkloadView("sleep",
						"Wait `millis`, `steps` times (the stand-in for I/O). Blocking modes block "
								+ "the thread; async, reactive and event-loop use timers. Optional `in`: `method` "
								+ "(the default) or `class-initializer`, which blocks inside a freshly defined "
								+ "class's static initializer, the wait that still pins a virtual thread on JDK 25 "
								+ "(modes that block a thread per wait only; at most 10,000 waits an experiment).",
						List.of(millis, new FieldView("steps", false, 1, this.limits.maxSteps(), 1L, "how many waits")),
						Map.of("type", "sleep", "millis", 1000, "steps", 1)),
				new WorkloadView("cpu",
						"Compute `iterations` rounds of a deterministic integer kernel; the result is "
								+ "its checksum, equal in every mode.",
						List.of(iterations), Map.of("type", "cpu", "iterations", 50_000_000)),
				new WorkloadView("mixed", "Compute `iterations`, then wait `millis`.", List.of(millis, iterations),
						Map.of("type", "mixed", "millis", 100, "iterations", 5_000_000)),
				new WorkloadView("http",
						"A real HTTP GET over loopback to the delay endpoint this service serves on a loopback "
								+ "port of its own (the JDK's HTTP server), which answers after `millis`. No "
								+ "user-supplied URL is ever contacted.",
						List.of(millis), Map.of("type", "http", "millis", 100)),
				new WorkloadView("lock",
						"Take one lock shared by all the experiment's tasks and hold it for `holdMillis` of waiting, "
								+ "then `iterations` of computation: the tasks take turns. `lock`: `synchronized` (the "
								+ "default), `reentrant` (an unfair ReentrantLock) or `fair`. The time to get the lock "
								+ "is the `lockWait` phase; the result is the task's turn. In-process modes that block "
								+ "a thread per task only (sequential, platform-threads, virtual-threads, fork-join, "
								+ "gil-threads).",
						List.of(new FieldView("holdMillis", false, 0, this.limits.maxMillis(), 0L,
								"milliseconds to wait while holding the lock"),
								new FieldView("iterations", false, 0, this.limits.maxIterations(), 0L,
										"kernel rounds to compute while holding the lock")),
						Map.of("type", "lock", "lock", "synchronized", "holdMillis", 10)),
				new WorkloadView("db",
						"Run one SQL query over JDBC through a HikariCP pool of `poolSize` connections that the "
								+ "experiment opens full before its clock starts and closes when it ends; the query "
								+ "holds its connection for `millis` by sleeping on the database side. Waiting for a "
								+ "connection is the `poolWait` phase; a task that gets none within "
								+ "`connectionTimeoutMillis` fails. The result is the database session that ran the "
								+ "query. However many tasks are in flight, at most `poolSize` query at once: "
								+ "throughput is at most poolSize ÷ millis. In-process modes only (not event-loop, "
								+ "processes, process-pool); async and reactive make the blocking JDBC calls on one "
								+ "thread per connection. Database: " + this.dbPools.describe() + ".",
						List.of(millis,
								new FieldView("poolSize", false, 1, DbWorkload.MAX_POOL_SIZE,
										DbWorkload.DEFAULT_POOL_SIZE, "the pool's connections"),
								new FieldView("connectionTimeoutMillis", false,
										DbWorkload.MIN_CONNECTION_TIMEOUT_MILLIS, this.limits.maxMillis(),
										DbWorkload.DEFAULT_CONNECTION_TIMEOUT_MILLIS,
										"how long a task waits for a connection before it fails")),
						Map.of("type", "db", "millis", 20, "poolSize", 10)),
				new WorkloadView("file",
						"Read, or write and fsync, `sizeKiB` of a file in a temporary folder the experiment owns and "
								+ "deletes when it ends (also on failure, cancel, deadline and shutdown). `op`: `read` "
								+ "(the default: every task reads one file the experiment wrote and synced before its "
								+ "clock started, most likely from the page cache) or `write` (each task writes a file "
								+ "of its own, forces it to the device and deletes it). The I/O is the `waiting` phase; "
								+ "the result is the CRC-32 of the bytes, the same in every mode and for both ops. No "
								+ "nominal time, so no ideal. Modes that block a thread per task and the process modes; "
								+ "at most 1 GiB an experiment (tasks × sizeKiB).",
						List.of(new FieldView("sizeKiB", false, 1, FileWorkload.MAX_SIZE_KIB, 64L,
								"KiB each task reads or writes")),
						Map.of("type", "file", "op", "write", "sizeKiB", 64)),
				new WorkloadView("steps",
						"A request's profile: every task does up to 16 steps in order, each one field: `wait` (ms of "
								+ "sleep), `cpu` (kernel rounds), `http` (ms, a call to the delay endpoint), `db` (ms, a "
								+ "query through the experiment's pool of `poolSize` connections, as the db workload's), "
								+ "`lock` (ms holding the experiment's lock) and `file` (KiB read from the experiment's "
								+ "file). Each step's time lands in its phase; the result is the number of steps. Modes "
								+ "that block a thread per task run every step; async runs wait, cpu, http and db; the "
								+ "process modes wait, cpu, http and file; reactive wait, cpu, http and db; event-loop wait, "
								+ "cpu and http.",
						List.of(new FieldView("steps", true, 1, StepsWorkload.MAX_STEPS, null,
								"the steps, e.g. [{\"wait\": 5}, {\"db\": 20}, {\"cpu\": 2000000}, {\"http\": 30}]"),
								new FieldView("poolSize", false, 1, DbWorkload.MAX_POOL_SIZE,
										DbWorkload.DEFAULT_POOL_SIZE, "the pool's connections, for db steps")),
						Map.of("type", "steps", "steps", List.of(Map.of("wait", 5), Map.of("db", 20),
								Map.of("cpu", 2_000_000), Map.of("http", 30)), "poolSize", 10)));
	}

	private ModeView view(ModeRunner mode, int cores) {
		List<ConcurrencyRule> rules = EXAMPLE_TASKS.stream()
			.map((tasks) -> new ConcurrencyRule(tasks, mode.defaultConcurrency(tasks, cores),
					mode.maxConcurrency(tasks, cores, this.limits)))
			.toList();
		return new ModeView(mode.id(), mode.description(), mode.suits(), rules);
	}

}
