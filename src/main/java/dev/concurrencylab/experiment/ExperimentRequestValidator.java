package dev.concurrencylab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.workload.ClassInitializerWait;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.StepsWorkload;
import dev.concurrencylab.workload.Workload;

/**
 * Checks a request against the limits under {@code lab.*} and fills in the defaults.
 * Every problem is reported at once, each with a sentence that says what is allowed.
 */
@Component
public class ExperimentRequestValidator {

	/** The fastest arrival rate the open model takes. */
	static final int MAX_ARRIVALS_PER_SECOND = 100_000;

	/** Most waits inside class initializers in one experiment. */
	static final int MAX_CLASS_INITIALIZER_WAITS = 10_000;

	private final LabProperties limits;

	private final Modes modes;

	ExperimentRequestValidator(LabProperties limits, Modes modes) {
		this.limits = limits;
		this.modes = modes;
	}

	/**
	 * Checks a mode named as a filter.
	 * @param mode a mode id, or null for none
	 * @throws InvalidRequestException when it names no mode
	 */
	void checkModeFilter(String mode) {
		if (mode != null && this.modes.find(mode).isEmpty()) {
			throw new InvalidRequestException(List
				.of(new FieldProblem("mode", "'" + mode + "' is not a mode; use one of " + this.modes.ids(), mode)));
		}
	}

	/**
	 * The request as a spec with every default filled in.
	 * @throws InvalidRequestException listing every invalid field
	 */
	public ExperimentSpec validate(ExperimentRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		ModeRunner mode = null;
		if (request.mode() == null) {
			problems.add(new FieldProblem("mode", "is required; use one of " + this.modes.ids(), null));
		}
		else {
			Optional<ModeRunner> found = this.modes.find(request.mode());
			if (found.isEmpty()) {
				problems.add(new FieldProblem("mode",
						"'" + request.mode() + "' is not a mode; use one of " + this.modes.ids(), request.mode()));
			}
			mode = found.orElse(null);
		}
		if (request.workload() == null) {
			problems.add(new FieldProblem("workload",
					"is required, e.g. {\"type\": \"sleep\", \"millis\": 1000}; see GET /workloads", null));
		}
		else {
			checkWorkload(request.workload(), problems);
		}
		int tasks = (request.tasks() != null) ? request.tasks() : this.limits.defaultTasks();
		range(problems, "tasks", request.tasks(), 1, this.limits.maxTasks());
		if (request.arrival() != null) {
			tasks = checkArrival(request, mode, problems);
		}
		if (request.workload() instanceof SleepWorkload sleep && sleep.in() == SleepWorkload.Place.CLASS_INITIALIZER) {
			checkClassInitializerSleep(mode, tasks, sleep, problems);
			ClassInitializerWait.prepare();
		}
		if (request.workload() instanceof LockWorkload && mode != null && !mode.waitsByBlocking()) {
			problems.add(new FieldProblem("workload.type",
					"'lock' makes threads wait for a lock shared by the experiment's tasks; mode '" + mode.id()
							+ "' runs its tasks as callbacks or in worker processes, so use one of " + blockingModes(),
					"lock"));
		}
		if (request.workload() instanceof DbWorkload && mode != null && !mode.callsJdbc()) {
			problems.add(new FieldProblem("workload.type",
					"'db' makes JDBC calls, which block the thread that makes them, through a pool that belongs to "
							+ "this service; mode '" + mode.id() + "' " + (mode.id().equals("event-loop")
									? "has one thread for every task" : "runs its tasks in worker processes")
							+ ", so use one of " + jdbcModes(),
					"db"));
		}
		if (request.workload() instanceof FileWorkload file) {
			if (mode != null && !mode.acceptsFiles()) {
				problems.add(new FieldProblem("workload.type",
						"'file' reads or writes with blocking I/O, which blocks the thread that does it; mode '"
								+ mode.id() + "' runs every task on shared callback threads, so use one of "
								+ this.modes.all()
									.stream()
									.filter(ModeRunner::acceptsFiles)
									.map(ModeRunner::id)
									.toList(),
						"file"));
			}
			if (file.sizeKiB() >= 1 && file.sizeKiB() <= FileWorkload.MAX_SIZE_KIB
					&& (long) tasks * file.sizeKiB() > FileWorkload.MAX_TOTAL_KIB) {
				problems.add(new FieldProblem("workload.sizeKiB",
						"× " + tasks + " tasks is " + ((long) tasks * file.sizeKiB()) + " KiB; an experiment reads or "
								+ "writes at most " + FileWorkload.MAX_TOTAL_KIB + " KiB (1 GiB)",
						file.sizeKiB()));
			}
		}
		if (request.workload() instanceof StepsWorkload steps && mode != null) {
			checkStepsInMode(steps, mode, tasks, problems);
		}
		int concurrency = 0;
		if (mode != null) {
			int cores = LabProperties.cores();
			int max = Math.max(1, mode.maxConcurrency(Math.max(1, tasks), cores, this.limits));
			boolean http = request.workload() instanceof HttpWorkload;
			int httpLimit = this.limits.httpInFlightLimit();
			if (http && max > httpLimit) {
				max = httpLimit;
			}
			concurrency = (request.concurrency() != null) ? request.concurrency()
					: Math.min(max, mode.defaultConcurrency(Math.max(1, tasks), cores));
			if (request.concurrency() != null && (request.concurrency() < 1 || request.concurrency() > max)) {
				problems.add(new FieldProblem("concurrency",
						"must be between 1 and " + max + " for mode '" + mode.id() + "' with " + tasks + " tasks"
								+ ((http && max == httpLimit) ? " (an http workload keeps at most " + httpLimit
										+ " calls in flight, lab.max-http-in-flight: each holds two file descriptors)"
										: ""),
						request.concurrency()));
			}
		}
		long timeout = (request.timeoutMillis() != null) ? request.timeoutMillis() : this.limits.defaultTimeoutMillis();
		range(problems, "timeoutMillis", request.timeoutMillis(), 1, this.limits.maxTimeoutMillis());
		if (request.arrival() != null && request.arrival().durationMillis() >= timeout) {
			if (request.timeoutMillis() != null) {
				problems.add(new FieldProblem(
						"timeoutMillis", "must be longer than arrival.durationMillis ("
								+ request.arrival().durationMillis() + "): tasks arrive until then",
						request.timeoutMillis()));
			}
			else {
				timeout = this.limits.maxTimeoutMillis();
			}
		}
		if (request.label() != null
				&& request.label().codePointCount(0, request.label().length()) > this.limits.maxLabelLength()) {
			problems.add(new FieldProblem("label",
					"must be at most " + this.limits.maxLabelLength() + " characters, was "
							+ request.label().codePointCount(0, request.label().length()),
					abbreviate(request.label())));
		}
		Isolation isolation = null;
		if (request.isolation() != null) {
			isolation = Isolation.of(request.isolation()).orElse(null);
			if (isolation == null) {
				problems.add(new FieldProblem("isolation", "must be 'exclusive' or 'shared'",
						abbreviate(request.isolation())));
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
		if (isolation == null) {
			isolation = Isolation.defaultFor(request.workload().iterationsPerTask() > 0);
		}
		return new ExperimentSpec(mode, request.workload(), tasks, concurrency, timeout, request.label(), isolation,
				Boolean.TRUE.equals(request.record()), request.arrival());
	}

	private void checkSteps(StepsWorkload steps, List<FieldProblem> problems) {
		if (steps.steps().isEmpty() || steps.steps().size() > StepsWorkload.MAX_STEPS) {
			problems.add(new FieldProblem("workload.steps", "must list 1 to " + StepsWorkload.MAX_STEPS + " steps",
					steps.steps().size()));
		}
		for (int i = 0; i < steps.steps().size(); i++) {
			StepsWorkload.Step step = steps.steps().get(i);
			String field = "workload.steps[" + i + "]." + step.kind().key();
			switch (step.kind()) {
				case CPU -> range(problems, field, step.amount(), 0, this.limits.maxIterations());
				case FILE -> range(problems, field, step.amount(), 1, FileWorkload.MAX_SIZE_KIB);
				default -> range(problems, field, step.amount(), 0, this.limits.maxMillis());
			}
		}
		if (steps.has(StepsWorkload.Kind.DB)) {
			range(problems, "workload.poolSize", steps.poolSize(), 1, DbWorkload.MAX_POOL_SIZE);
			range(problems, "workload.connectionTimeoutMillis", steps.connectionTimeoutMillis(),
					DbWorkload.MIN_CONNECTION_TIMEOUT_MILLIS, this.limits.maxMillis());
		}
	}

	/** Steps the mode cannot run, and the bytes its file steps read. */
	private void checkStepsInMode(StepsWorkload steps, ModeRunner mode, int tasks, List<FieldProblem> problems) {
		List<String> refused = steps.kinds()
			.stream()
			.filter((kind) -> !mode.stepKinds().contains(kind))
			.map(StepsWorkload.Kind::key)
			.toList();
		if (!refused.isEmpty()) {
			problems.add(new FieldProblem("workload.steps", "mode '" + mode.id() + "' runs no "
					+ String.join(", ", refused) + " step"
					+ (mode.stepKinds().isEmpty() ? "s; use a mode that blocks a thread per task" : "; it runs "
							+ mode.stepKinds().stream().map(StepsWorkload.Kind::key).collect(Collectors.joining(", "))
							+ " steps"),
					String.join(",", refused)));
		}
		long fileKiB = steps.total(StepsWorkload.Kind.FILE);
		if (fileKiB > 0 && fileKiB * tasks > FileWorkload.MAX_TOTAL_KIB) {
			problems.add(new FieldProblem("workload.steps",
					"read " + fileKiB + " KiB a task, " + (fileKiB * tasks)
							+ " KiB in all; an experiment reads at most " + FileWorkload.MAX_TOTAL_KIB + " KiB (1 GiB)",
					fileKiB));
		}
	}

	/**
	 * Checks the open model's arrivals and answers how many tasks arrive (1 when they are
	 * invalid: the problems say why).
	 */
	private int checkArrival(ExperimentRequest request, ModeRunner mode, List<FieldProblem> problems) {
		Arrival arrival = request.arrival();
		if (request.tasks() != null) {
			problems.add(new FieldProblem("tasks",
					"give either tasks (all there from the start) or arrival (tasks arriving at a rate), not both",
					request.tasks()));
		}
		boolean valid = true;
		if (!(arrival.ratePerSecond() > 0 && arrival.ratePerSecond() <= MAX_ARRIVALS_PER_SECOND)) {
			problems.add(new FieldProblem("arrival.ratePerSecond",
					"must be more than 0 and at most " + MAX_ARRIVALS_PER_SECOND,
					// As text: 1e400 arrives as Infinity, which JSON cannot carry.
					String.valueOf(arrival.ratePerSecond())));
			valid = false;
		}
		if (arrival.durationMillis() < 1 || arrival.durationMillis() > this.limits.maxTimeoutMillis()) {
			range(problems, "arrival.durationMillis", arrival.durationMillis(), 1, this.limits.maxTimeoutMillis());
			valid = false;
		}
		range(problems, "arrival.maxQueueMillis", arrival.maxQueueMillis(), 0, this.limits.maxTimeoutMillis());
		if (mode != null && !mode.acceptsArrivals()) {
			problems.add(new FieldProblem("arrival", "mode '" + mode.id() + "' runs no open model; use one of "
					+ this.modes.all().stream().filter(ModeRunner::acceptsArrivals).map(ModeRunner::id).toList(),
					mode.id()));
		}
		if (!valid) {
			return 1;
		}
		long count = arrival.count(this.limits.maxTasks());
		if (count > this.limits.maxTasks()) {
			problems.add(new FieldProblem("arrival", "makes more than lab.max-tasks (" + this.limits.maxTasks()
					+ ") tasks arrive: lower the rate or the " + "duration", null));
			return 1;
		}
		if (count < 1) {
			problems.add(new FieldProblem("arrival", "makes no task arrive: raise the rate or the duration", null));
			return 1;
		}
		return (int) count;
	}

	private void checkWorkload(Workload workload, List<FieldProblem> problems) {
		switch (workload) {
			case SleepWorkload sleep -> {
				millis(problems, sleep.millis());
				range(problems, "workload.steps", (long) sleep.steps(), 1, this.limits.maxSteps());
			}
			case CpuWorkload cpu -> iterations(problems, cpu.iterations());
			case MixedWorkload mixed -> {
				millis(problems, mixed.millis());
				iterations(problems, mixed.iterations());
			}
			case HttpWorkload http -> millis(problems, http.millis());
			case LockWorkload lock -> {
				range(problems, "workload.holdMillis", lock.holdMillis(), 0, this.limits.maxMillis());
				iterations(problems, lock.iterations());
			}
			case FileWorkload file -> range(problems, "workload.sizeKiB", file.sizeKiB(), 1, FileWorkload.MAX_SIZE_KIB);
			case StepsWorkload steps -> checkSteps(steps, problems);
			case DbWorkload db -> {
				millis(problems, db.millis());
				range(problems, "workload.poolSize", db.poolSize(), 1, DbWorkload.MAX_POOL_SIZE);
				range(problems, "workload.connectionTimeoutMillis", db.connectionTimeoutMillis(),
						DbWorkload.MIN_CONNECTION_TIMEOUT_MILLIS, this.limits.maxMillis());
			}
		}
	}

	/**
	 * A sleep inside a class initializer blocks a thread of this service and defines a
	 * class per wait (about 2 KB of metaspace until a GC unloads it): only modes that
	 * block a thread per wait take it, and only so many waits.
	 */
	private void checkClassInitializerSleep(ModeRunner mode, int tasks, SleepWorkload sleep,
			List<FieldProblem> problems) {
		if (mode != null && !mode.waitsByBlocking()) {
			problems.add(new FieldProblem("workload.in",
					"'class-initializer' blocks a thread inside a class initializer; mode '" + mode.id()
							+ "' waits on timers or in worker processes, so use one of " + blockingModes(),
					"class-initializer"));
		}
		if ((long) tasks * sleep.steps() > MAX_CLASS_INITIALIZER_WAITS) {
			problems.add(new FieldProblem("workload.in",
					"'class-initializer' defines a class for every wait: at most "
							+ String.format(Locale.ROOT, "%,d", MAX_CLASS_INITIALIZER_WAITS)
							+ " waits (tasks × steps) per experiment, was " + (long) tasks * sleep.steps(),
					"class-initializer"));
		}
	}

	private List<String> jdbcModes() {
		return this.modes.all().stream().filter(ModeRunner::callsJdbc).map(ModeRunner::id).toList();
	}

	private List<String> blockingModes() {
		return this.modes.all().stream().filter(ModeRunner::waitsByBlocking).map(ModeRunner::id).toList();
	}

	private void millis(List<FieldProblem> problems, long millis) {
		range(problems, "workload.millis", millis, 0, this.limits.maxMillis());
	}

	private void iterations(List<FieldProblem> problems, long iterations) {
		range(problems, "workload.iterations", iterations, 0, this.limits.maxIterations());
	}

	private static void range(List<FieldProblem> problems, String field, Number value, long min, long max) {
		if (value != null && (value.longValue() < min || value.longValue() > max)) {
			problems.add(new FieldProblem(field, "must be between " + min + " and " + max, value));
		}
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "…";
	}

}
