package dev.concurrencylab.comparison;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.server.ResponseStatusException;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.experiment.ExperimentRequest;
import dev.concurrencylab.experiment.ExperimentRequestValidator;
import dev.concurrencylab.experiment.ExperimentService;
import dev.concurrencylab.report.TraceJson;
import dev.concurrencylab.experiment.ExperimentSpec;
import dev.concurrencylab.experiment.ExperimentStatus;
import dev.concurrencylab.experiment.FieldProblem;
import dev.concurrencylab.experiment.InvalidRequestException;
import dev.concurrencylab.experiment.RunRegistry;
import dev.concurrencylab.experiment.ServiceStoppingException;
import dev.concurrencylab.experiment.TooManyExperimentsException;
import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.InterferenceMeter;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.machine.MachineService;

/**
 * Runs comparisons: every mode {@code repeats} times in interleaved rounds (mode A, B, C,
 * then A, B, C again…), so drift on a shared machine hits all modes alike. Each
 * comparison has one runner thread ({@code lab-comparison-<n>}) that waits at the
 * admission gate for an exclusive window, then runs its experiments one at a time through
 * {@link ExperimentService} inside that window.
 */
@Service
public class ComparisonService {

	private static final Logger logger = LoggerFactory.getLogger(ComparisonService.class);

	static final int MAX_MODES = 10;

	static final int MAX_REPEATS = 10;

	static final int RETAINED = 50;

	private final ExperimentService experiments;

	private final ExperimentRequestValidator validator;

	private final LabThreads threads;

	private final MachineService machine;

	private final Modes modes;

	private final LabProperties limits;

	/** One permit per comparison accepted (queued or running). */
	private final Semaphore slots;

	private final AdmissionGate gate;

	private final LabClock clock;

	/** Comparisons kept: the newest {@link #RETAINED} finished, and every unfinished. */
	private final RunRegistry<Comparison> runs = new RunRegistry<>(RETAINED, Long.MAX_VALUE, Comparison::id,
			Comparison::sequence);

	private final AtomicLong sequence = new AtomicLong();

	private volatile boolean stopping;

	/**
	 * Held by a start from its check of {@link #stopping} until its comparison is
	 * registered with its runner, and by {@link #stop} to set it.
	 */
	private final Object admission = new Object();

	private final ComparisonStore store;

	ComparisonService(ExperimentService experiments, ExperimentRequestValidator validator, LabThreads threads,
			MachineService machine, Modes modes, LabProperties limits, AdmissionGate gate, LabClock clock,
			ComparisonStore store) {
		this.store = store;
		store.abandon(true);
		store.enforceRetention();
		this.gate = gate;
		this.clock = clock;
		this.experiments = experiments;
		this.modes = modes;
		this.machine = machine;
		this.validator = validator;
		this.threads = threads;
		this.limits = limits;
		this.slots = new Semaphore(limits.maxRunningExperiments());
	}

	/**
	 * A comparison as {@code GET /comparisons/{id}} shows it; once finished it stays as
	 * it was when it finished.
	 */
	public ComparisonView view(Comparison comparison) {
		if (comparison.capacityBefore() != null) {
			return ComparisonView.of(comparison, comparison.capacityBefore());
		}
		if (comparison.capacityAtEnd() != null) {
			return ComparisonView.of(comparison, comparison.capacityAtEnd());
		}
		return ComparisonView.of(comparison, currentCapacity());
	}

	private Double currentCapacity() {
		Capacity capacity = this.machine.currentCapacity();
		return (capacity != null) ? capacity.parallelCapacity() : null;
	}

	/** A comparison this replica runs or holds, or else one in the store. */
	public Optional<ComparisonView> view(String id) {
		Optional<Comparison> here = find(id);
		if (here.isPresent()) {
			return Optional.of(view(here.get()));
		}
		return this.store.find(id);
	}

	/**
	 * Cancels a comparison another replica runs: it reads the request at its next run or
	 * heartbeat.
	 * @throws ResponseStatusException 409 when it had already finished
	 */
	ComparisonView cancelElsewhere(ComparisonView view) {
		if (view.status().isFinished() || !this.store.askCancel(view.id())) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Comparison " + view.id()
					+ " already finished with status " + view.status() + "; there is nothing to cancel.");
		}
		return view;
	}

	/**
	 * The runs of a comparison as the processes of one trace, in the order they ran, each
	 * placed on the time line from the first one's start. Runs no longer kept are left
	 * out.
	 */
	public List<TraceJson.Run> traceRuns(ComparisonView comparison) {
		record Named(String id, String name) {
		}
		List<Named> runs = new ArrayList<>();
		for (ModeResult result : comparison.results()) {
			List<String> ids = result.experiments();
			for (int repeat = 0; repeat < ids.size(); repeat++) {
				runs.add(new Named(ids.get(repeat), result.mode() + " · run " + (repeat + 1)));
			}
		}
		// Read once a run (a stored run's start is a query): not in the comparator.
		Map<String, Instant> started = new HashMap<>();
		for (Named run : runs) {
			started.put(run.id(), this.experiments.startedAt(run.id()).orElse(Instant.MAX));
		}
		runs.sort(Comparator.comparing((Named run) -> started.get(run.id())));
		Instant origin = started.values()
			.stream()
			.filter((start) -> !start.equals(Instant.MAX))
			.min(Comparator.naturalOrder())
			.orElse(null);
		List<TraceJson.Run> traced = new ArrayList<>();
		for (Named run : runs) {
			// A process per run: pids 1, 2, ... (worker JVMs keep their real pids).
			this.experiments.traceRun(run.id(), run.name(), traced.size() + 1, origin).ifPresent(traced::add);
		}
		return traced;
	}

	/** Most task slices a trace draws ({@code lab.trace-max-tasks}). */
	public int traceMaxTasks() {
		return this.limits.traceMaxTasks();
	}

	/** How many comparisons were ever accepted. */
	public long created() {
		return this.sequence.get();
	}

	/** How many accepted comparisons have not ended yet. */
	public int active() {
		return this.limits.maxRunningExperiments() - this.slots.availablePermits();
	}

	public Comparison start(ComparisonRequest request) {
		List<ExperimentSpec> specs = validate(request);
		int repeats = (request.repeats() != null) ? request.repeats() : 3;
		synchronized (this.admission) {
			return admit(request, specs, repeats);
		}
	}

	/** Called under {@link #admission}: refused, or registered before any stop sweeps. */
	private Comparison admit(ComparisonRequest request, List<ExperimentSpec> specs, int repeats) {
		if (this.stopping) {
			throw new ServiceStoppingException();
		}
		if (!this.slots.tryAcquire()) {
			throw new TooManyExperimentsException(this.limits.maxRunningExperiments(), 5);
		}
		// Queued now, so comparisons and experiments are admitted in the order they came.
		AdmissionGate.Ticket window = this.gate.enqueue("comparison", Isolation.EXCLUSIVE);
		try {
			Comparison comparison = new Comparison(UUID.randomUUID().toString(), this.sequence.incrementAndGet(),
					request, specs, repeats);
			this.store.accepted(comparison, view(comparison));
			// Its runner is known before the comparison can be found: a cancel that finds
			// it reaches the runner.
			Thread runner = this.threads.platformThread("lab-comparison-" + comparison.sequence(),
					() -> run(comparison, window));
			comparison.runBy(runner);
			this.runs.add(comparison);
			runner.start();
			return comparison;
		}
		catch (RuntimeException | Error ex) {
			window.close();
			this.slots.release();
			throw ex;
		}
	}

	public Optional<Comparison> find(String id) {
		return this.runs.find(id);
	}

	/**
	 * Cancels a queued or running comparison: its current run is cancelled and no other
	 * starts.
	 * @throws ResponseStatusException 409 when it had already finished
	 */
	public void cancel(Comparison comparison) {
		if (comparison.status().isFinished()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Comparison " + comparison.id()
					+ " already finished with status " + comparison.status() + "; there is nothing to cancel.");
		}
		comparison.cancel();
	}

	/** The comparison's time budget ran out before its last run. */
	private static final class BudgetSpentException extends RuntimeException {

		BudgetSpentException() {
			super(null, null, false, false);
		}

	}

	/** Kept comparisons, newest first. */
	List<Comparison> all() {
		return this.runs.all();
	}

	/**
	 * Runs a comparison inside one exclusive window: nothing else runs from the capacity
	 * measured before its runs to the one measured after them.
	 */
	private void run(Comparison comparison, AdmissionGate.Ticket window) {
		ExperimentStatus status = ExperimentStatus.SUCCEEDED;
		String error = null;
		InterferenceMeter.Reading start = null;
		long queuedAt = this.clock.nanoTime();
		try {
			window.awaitAdmission();
			if (this.stopping || this.experiments.stopping()) {
				throw new ServiceStoppingException();
			}
			comparison.running();
			start = InterferenceMeter.read(this.clock.nanoTime());
			boolean computes = comparison.request().workload().iterationsPerTask() > 0;
			if (computes) {
				// Computation is judged against the capacity: measured in this window.
				comparison.capacityBefore(this.machine.measure(window).parallelCapacity());
			}
			// Every run together within lab.max-timeout-millis: a run's deadline is what
			// is left.
			long budgetEnd = this.clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.limits.maxTimeoutMillis());
			for (int round = 0; round < comparison.repeats(); round++) {
				for (ExperimentSpec planned : comparison.specs()) {
					long leftMillis = TimeUnit.NANOSECONDS.toMillis(budgetEnd - this.clock.nanoTime());
					if (leftMillis < 1) {
						throw new BudgetSpentException();
					}
					ExperimentSpec spec = new ExperimentSpec(planned.mode(), planned.workload(), planned.tasks(),
							planned.concurrency(), Math.min(planned.timeoutMillis(), leftMillis), planned.label(),
							planned.isolation(), false, planned.arrival());
					if (comparison.cancelRequested()) {
						throw new InterruptedException("cancelled");
					}
					if (this.store.cancelAsked(comparison.id())) {
						throw new InterruptedException("cancelled through another replica");
					}
					ExperimentService.Outcome outcome = this.experiments.runWithin(window, spec, comparison.id());
					comparison.add(outcome, spec.mode().id());
					persist(comparison);
					if (outcome.status() == ExperimentStatus.CANCELLED) {
						throw new InterruptedException("a run was cancelled");
					}
				}
			}
			if (computes) {
				comparison.capacityAfter(this.machine.measure(window).parallelCapacity());
			}
			if (!comparison.allSucceeded()) {
				status = ExperimentStatus.FAILED;
				error = "Some runs did not succeed; their experiments say why (see `experiments` per mode).";
			}
		}
		catch (InterruptedException | ServiceStoppingException ex) {
			status = ExperimentStatus.CANCELLED;
			error = (this.stopping || this.experiments.stopping()) ? "The service shut down while the comparison ran."
					: (comparison.cancelRequested() || cancelAskedElsewhere(comparison))
							? "The comparison was cancelled." : "A run was cancelled, so the comparison stopped.";
		}
		catch (BudgetSpentException ex) {
			status = ExperimentStatus.FAILED;
			error = "The runs took the comparison's whole budget of " + this.limits.maxTimeoutMillis()
					+ " ms (lab.max-timeout-millis) before every run was done; ask for fewer tasks, modes or repeats.";
		}
		catch (RuntimeException ex) {
			logger.error("Comparison {} failed", comparison.id(), ex);
			status = ExperimentStatus.FAILED;
			error = "The comparison failed unexpectedly; the service log has the details.";
		}
		finally {
			if (start != null) {
				InterferenceMeter.Reading end = InterferenceMeter.read(this.clock.nanoTime());
				comparison
					.interference(InterferenceMeter.between(start, end, Isolation.EXCLUSIVE, start.nanos() - queuedAt,
							window.otherRuns(), window.otherRunsBusyNanos(end.nanos()), -1, workerCpuNanos(comparison)),
							(end.nanos() - start.nanos()) / 1e6);
			}
			window.close();
			if (comparison.capacityBefore() == null) {
				comparison.capacityAtEnd(currentCapacity());
			}
			comparison.finished(status, error);
			persist(comparison);
			this.runs.finished(comparison, 0);
			this.slots.release();
			comparison.done().complete(comparison);
		}
	}

	/** Writes the comparison as it is now to the store; a failure is logged. */
	private void persist(Comparison comparison) {
		try {
			this.store.update(view(comparison));
			if (comparison.status().isFinished()) {
				this.store.enforceRetention();
			}
		}
		catch (RuntimeException ex) {
			logger.error("Comparison {} could not be written to the store", comparison.id(), ex);
		}
	}

	private boolean cancelAskedElsewhere(Comparison comparison) {
		try {
			return this.store.cancelAsked(comparison.id());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * CPU time the worker processes of the comparison's runs used: each run's cpuMillis
	 * less its service's part. They are the lab's, not other processes'.
	 */
	private static long workerCpuNanos(Comparison comparison) {
		double millis = 0;
		for (List<ExperimentService.Outcome> runs : comparison.outcomes().values()) {
			for (ExperimentService.Outcome run : runs) {
				if (run.summary() != null && run.summary().interference() != null) {
					millis += Math.max(0, run.summary().cpuMillis() - run.summary().interference().serviceCpuMillis());
				}
			}
		}
		return Math.round(millis * 1e6);
	}

	private List<ExperimentSpec> validate(ComparisonRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		List<String> modes = (request.modes() != null) ? request.modes() : List.of();
		if (modes.isEmpty() || modes.size() > MAX_MODES) {
			problems.add(new FieldProblem("modes", "must list 1 to " + MAX_MODES + " modes", request.modes()));
		}
		Set<String> seen = new HashSet<>();
		for (String mode : modes) {
			if (!seen.add(mode)) {
				problems.add(new FieldProblem("modes", "lists '" + mode + "' twice", mode));
			}
		}
		if (request.concurrencyByMode() != null) {
			for (String mode : request.concurrencyByMode().keySet()) {
				if (!modes.contains(mode)) {
					problems.add(
							new FieldProblem("concurrencyByMode", "names '" + mode + "', which is not in modes", mode));
				}
			}
		}
		if (request.repeats() != null && (request.repeats() < 1 || request.repeats() > MAX_REPEATS)) {
			problems.add(new FieldProblem("repeats", "must be between 1 and " + MAX_REPEATS, request.repeats()));
		}
		List<ExperimentSpec> specs = new ArrayList<>();
		for (String mode : (modes.isEmpty() ? List.of("sequential") : modes)) {
			try {
				// Every run of a comparison is inside its exclusive window.
				specs.add(this.validator.validate(
						new ExperimentRequest(mode, request.workload(), request.tasks(), concurrencyFor(mode, request),
								null, request.label(), Isolation.EXCLUSIVE.id(), null, request.arrival())));
			}
			catch (InvalidRequestException ex) {
				for (FieldProblem problem : ex.problems()) {
					FieldProblem named = new FieldProblem(problem.field().equals("mode") ? "modes" : problem.field(),
							problem.message(), problem.rejectedValue());
					if (!problems.contains(named)) {
						problems.add(named);
					}
				}
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
		return specs;
	}

	/**
	 * The requested concurrency, capped to what the mode allows (sequential always runs
	 * one at a time); null keeps the mode's default.
	 */
	private Integer concurrencyFor(String mode, ComparisonRequest request) {
		if (request.concurrencyByMode() != null && request.concurrencyByMode().get(mode) != null) {
			// Named for this mode: taken as it is (out of range is a 400).
			return request.concurrencyByMode().get(mode);
		}
		if (request.concurrency() == null || request.concurrency() < 1) {
			return request.concurrency();
		}
		int tasks = (request.arrival() != null)
				? (int) Math.max(1, Math.min(this.limits.maxTasks(), request.arrival().count(this.limits.maxTasks())))
				: (request.tasks() != null && request.tasks() > 0) ? request.tasks() : this.limits.defaultTasks();
		return this.modes.find(mode)
			.map((runner) -> Math.min(request.concurrency(),
					runner.maxConcurrency(tasks, LabProperties.cores(), this.limits)))
			.orElse(request.concurrency());
	}

	@PreDestroy
	void stop() throws InterruptedException {
		synchronized (this.admission) {
			this.stopping = true;
		}
		for (Comparison comparison : this.runs.all()) {
			Thread runner = comparison.runner();
			if (runner != null) {
				runner.interrupt();
			}
		}
		for (Comparison comparison : this.runs.all()) {
			Thread runner = comparison.runner();
			if (runner != null) {
				runner.join(10_000);
			}
		}
	}

}
