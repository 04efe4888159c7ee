package dev.concurrencylab.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.execution.StopReason;
import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.Interference;
import dev.concurrencylab.isolation.InterferenceMeter;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.recording.ExperimentRecording;
import dev.concurrencylab.recording.PinnedEvent;
import dev.concurrencylab.recording.Recordings;
import dev.concurrencylab.recording.ThreadIds;
import dev.concurrencylab.workload.Workload;
import dev.concurrencylab.machine.MachineService;
import dev.concurrencylab.metrics.LabMetrics;
import dev.concurrencylab.report.Ideal;
import dev.concurrencylab.report.OpenModel;
import dev.concurrencylab.report.Summaries;
import dev.concurrencylab.report.Summary;
import dev.concurrencylab.report.TraceJson;
import dev.concurrencylab.workload.DbPool;
import dev.concurrencylab.workload.DbPools;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileFolder;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.StepsWorkload;
import dev.concurrencylab.workload.DelayClient;
import dev.concurrencylab.store.Replica;
import dev.concurrencylab.store.RunSlots;

/**
 * Starts, tracks, cancels and finishes experiments. Each experiment runs on a conductor
 * thread ({@code lab-experiment-<n>} while it conducts; pooled, so a tiny experiment
 * creates no platform thread of its own), which owns everything the mode starts and ends
 * it before the experiment counts as finished. On shutdown it refuses new experiments
 * (503), cancels the running ones and waits for their conductors.
 */
@Service
public class ExperimentService implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ExperimentService.class);

	/** Longest the summary waits for the first capacity measurement after start-up. */
	private static final Duration CAPACITY_WAIT = Duration.ofSeconds(30);

	/** Seconds a client refused for lack of a slot is told to wait. */
	static final long RETRY_AFTER_SECONDS = 1;

	/** How long an idle conductor thread is kept for the next experiment. */
	private static final Duration CONDUCTOR_IDLE = Duration.ofSeconds(30);

	/** Longest shutdown waits for running experiments to stop. */
	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

	private final ExperimentRegistry registry;

	private final MachineService machine;

	private final LabProperties limits;

	private final LabClock clock;

	private final LabThreads threads;

	private final DelayClient http;

	/**
	 * Conductor threads, kept for reuse between experiments (a tiny experiment must not
	 * pay for a new thread); idle ones end after {@link #CONDUCTOR_IDLE}, all with the
	 * context. Named {@code experiment-conductor-<n>} while idle, never {@code lab-…}: a
	 * thread named {@code lab-…} belongs to a run and must not outlive it.
	 */
	private final ThreadPoolExecutor conductors = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
			CONDUCTOR_IDLE.toSeconds(), TimeUnit.SECONDS, new SynchronousQueue<>(),
			Thread.ofPlatform().name("experiment-conductor-", 1).factory());

	/** One permit per experiment accepted (queued or running) at once. */
	private final Semaphore slots;

	/**
	 * Slot numbers of the running experiments, for bounded metric tags; one per permit.
	 */
	private final Queue<Integer> freeSlots = new ConcurrentLinkedQueue<>();

	private final Recordings recordings;

	private final DbPools dbPools;

	private final LabMetrics metrics;

	/** Decides when each experiment may run; owned by the context. */
	private final AdmissionGate gate;

	private final AtomicLong sequence = new AtomicLong();

	/** Where every experiment is written, and read when it is not here. */
	private final ExperimentStore store;

	/** The cap on queued and running experiments across the replicas. */
	private final RunSlots runSlots;

	private final Replica replica;

	/** Writes to the store behind the runs, in order. */
	private final StoreWriter writer;

	private volatile boolean running;

	private volatile boolean stopping;

	/**
	 * Held by a start from its check of {@link #stopping} until its experiment is
	 * registered, and by {@link #stop} to set it: a start is either refused or seen by
	 * the shutdown's sweep, never neither (a POST accepted just after SIGTERM was once
	 * left running unseen).
	 */
	private final Object admission = new Object();

	ExperimentService(ExperimentRegistry registry, MachineService machine, LabProperties limits, LabClock clock,
			LabThreads threads, DelayClient http, LabMetrics metrics, AdmissionGate gate, Recordings recordings,
			DbPools dbPools, ExperimentStore store, RunSlots runSlots, Replica replica, StoreWriter writer) {
		this.writer = writer;
		this.store = store;
		this.runSlots = runSlots;
		this.replica = replica;
		store.abandon(true);
		registry.forget(store.enforceRetention());
		this.metrics = metrics;
		this.dbPools = dbPools;
		this.recordings = recordings;
		this.gate = gate;
		for (int slot = 0; slot < limits.maxRunningExperiments(); slot++) {
			this.freeSlots.add(slot);
		}
		this.registry = registry;
		this.machine = machine;
		this.limits = limits;
		this.clock = clock;
		this.threads = threads;
		this.http = http;
		this.slots = new Semaphore(limits.maxRunningExperiments());
	}

	/**
	 * Starts an experiment in the background. It waits in QUEUED until the admission gate
	 * lets it run (at once when its isolation allows).
	 * @throws TooManyExperimentsException when the most experiments allowed are queued or
	 * running
	 * @throws ServiceStoppingException when the service is shutting down
	 */
	Experiment start(ExperimentSpec spec) {
		synchronized (this.admission) {
			if (this.stopping) {
				throw new ServiceStoppingException();
			}
			if (!this.slots.tryAcquire()) {
				refused();
				throw new TooManyExperimentsException(this.limits.maxRunningExperiments(), RETRY_AFTER_SECONDS);
			}
			String id = UUID.randomUUID().toString();
			OptionalInt slot;
			try {
				slot = this.runSlots.acquire(id);
			}
			catch (RuntimeException | Error ex) {
				this.slots.release();
				throw ex;
			}
			if (slot.isEmpty()) {
				// Every slot is held, by experiments of other replicas too.
				this.slots.release();
				refused();
				throw new TooManyExperimentsException(this.limits.maxRunningExperiments(), RETRY_AFTER_SECONDS);
			}
			Runnable release = () -> {
				try {
					this.runSlots.release(slot.getAsInt(), id);
				}
				catch (RuntimeException ex) {
					logger.warn("Experiment {}: its run slot could not be freed in the store; it is freed when "
							+ "this replica's heartbeat stops for lab.store.stale-after", id, ex);
				}
				finally {
					this.slots.release();
				}
			};
			try {
				return launch(id, spec, this.gate.enqueue("experiment", spec.isolation()), release, null);
			}
			catch (RuntimeException | Error ex) {
				release.run();
				throw ex;
			}
		}
	}

	/**
	 * Whether every slot is taken now, so that {@link #start} would refuse: lets a full
	 * service answer before it reads a request.
	 */
	boolean full() {
		return this.slots.availablePermits() == 0 || this.runSlots.full();
	}

	/** Counts a POST refused because the service was full, wherever it was answered. */
	void refused() {
		this.metrics.experimentRefused();
	}

	/**
	 * What a finished experiment achieved, for callers outside this package.
	 *
	 * @param id the experiment's id
	 * @param status how it ended
	 * @param summary its summary (null if it could not be summarised)
	 * @param error why it failed or was cancelled
	 */
	public record Outcome(String id, ExperimentStatus status, Summary summary, String error) {
	}

	/**
	 * Runs an experiment to its end inside a window the caller already holds exclusively
	 * (a comparison): it passes no gate of its own and counts against no limit.
	 * @param window the caller's admitted exclusive ticket
	 * @throws InterruptedException when interrupted; the experiment is then cancelled
	 * @throws ServiceStoppingException when the service is shutting down
	 */
	public Outcome runWithin(AdmissionGate.Ticket window, ExperimentSpec spec, String comparisonId)
			throws InterruptedException {
		if (!window.isAdmitted() || window.isolation() != Isolation.EXCLUSIVE) {
			throw new IllegalStateException("an experiment runs within an admitted exclusive window only");
		}
		Experiment experiment;
		synchronized (this.admission) {
			if (this.stopping) {
				throw new ServiceStoppingException();
			}
			experiment = launch(UUID.randomUUID().toString(), spec, null, () -> {
			}, comparisonId);
		}
		try {
			// Stored too: the comparison's next run must not share the machine with the
			// write.
			experiment.stored().get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			// The window must not end before the run has ended its threads and workers.
			experiment.stop(StopReason.CANCELLED);
			awaitEnd(experiment);
			throw ex;
		}
		return new Outcome(experiment.id(), experiment.status(), experiment.summary(), experiment.error());
	}

	/** Waits, not to be interrupted, until a stopping experiment has ended. */
	private static void awaitEnd(Experiment experiment) {
		boolean interrupted = false;
		while (true) {
			try {
				experiment.stored().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
			catch (ExecutionException | TimeoutException ex) {
				logger.warn("Experiment {} did not end within {}", experiment.id(), SHUTDOWN_WAIT);
				break;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * How many experiments were ever created (each accepted request, each comparison
	 * run).
	 */
	public long created() {
		return this.sequence.get();
	}

	/** Whether the service is shutting down and accepts no more runs. */
	public boolean stopping() {
		return this.stopping;
	}

	/**
	 * Registers an experiment and starts its conductor thread, which waits for the ticket
	 * (null: already inside an exclusive window), runs it and calls {@code release} last.
	 */
	private Experiment launch(String id, ExperimentSpec spec, AdmissionGate.Ticket ticket, Runnable release,
			String comparisonId) {
		Experiment experiment = new Experiment(id, this.sequence.incrementAndGet(), spec, Instant.now());
		try {
			this.writer.submit("experiment " + id + " (accepted)", () -> this.store.accepted(experiment, comparisonId));
			this.registry.add(experiment);
			this.conductors.execute(() -> conductOnPooledThread(experiment, ticket, release));
		}
		catch (RuntimeException | Error ex) {
			if (ticket != null) {
				ticket.close();
			}
			throw ex;
		}
		return experiment;
	}

	/**
	 * Stored experiments of every replica, newest first, filtered by status and mode when
	 * given; with every experiment this replica answered before.
	 */
	ExperimentListView list(ExperimentStatus status, String mode, int page, int size) {
		this.writer.awaitQueued();
		return this.store.list(status, mode, page, size);
	}

	/** An experiment this replica runs or still holds in memory. */
	Optional<Experiment> local(String id) {
		return this.registry.find(id);
	}

	/**
	 * An experiment as its pages, pictures and trace read it: from memory when this
	 * replica ran it and still holds it, else from the store (its task log only when
	 * {@code withLog}, and only once it has finished).
	 * @throws ExperimentNotFoundException when it is neither here nor stored
	 */
	ExperimentData data(String id, boolean withLog) {
		Optional<Experiment> here = this.registry.find(id);
		if (here.isPresent()) {
			Experiment experiment = here.get();
			Execution execution = experiment.execution();
			StopReason stop = (execution != null) ? execution.stopReason() : null;
			return new ExperimentData(ExperimentView.of(experiment), (execution != null) ? execution.log() : null,
					new StoredRun(experiment.spec().arrival(),
							(experiment.spec().arrival() != null && execution != null) ? execution.arrived() : -1,
							(stop != null) ? stop.name() : null, (execution != null) ? execution.stopNanos() : -1,
							pinMarks(experiment.recording())),
					this.replica.id(), true);
		}
		ExperimentStore.Stored stored = this.store.find(id).orElseThrow(() -> new ExperimentNotFoundException(id));
		TaskLog log = (withLog && stored.finished()) ? this.store.log(id).orElse(null) : null;
		return new ExperimentData(stored.view(), log, stored.run(), stored.replica(), false);
	}

	/** An experiment as {@code GET /experiments/{id}} shows it, here or stored. */
	public ExperimentView view(String id) {
		return data(id, false).view();
	}

	/**
	 * When a kept experiment started running; empty if it is not kept or never started.
	 */
	public Optional<Instant> startedAt(String id) {
		try {
			return Optional.ofNullable(data(id, false).view().startedAt());
		}
		catch (ExperimentNotFoundException ex) {
			return Optional.empty();
		}
	}

	/** Most task slices a trace draws ({@code lab.trace-max-tasks}). */
	public int traceMaxTasks() {
		return this.limits.traceMaxTasks();
	}

	/**
	 * An experiment as one process of a trace, its time placed from {@code origin}; empty
	 * when it is no longer kept.
	 * @param id the experiment
	 * @param name what the process is called
	 * @param pid its process id in the trace
	 * @param origin the trace's time zero (null: the experiment's own start)
	 * @return the run
	 */
	public Optional<TraceJson.Run> traceRun(String id, String name, long pid, Instant origin) {
		ExperimentData data;
		try {
			data = data(id, true);
		}
		catch (ExperimentNotFoundException ex) {
			return Optional.empty();
		}
		Instant started = data.view().startedAt();
		long offset = (origin != null && started != null) ? Duration.between(origin, started).toNanos() : 0;
		StoredRun run = (data.run() != null) ? data.run() : new StoredRun(null, -1, null, -1, List.of());
		return Optional.of(new TraceJson.Run(name, pid, data.log(), offset, run.stop(), run.stopNanos(), run.pins(),
				run.arrived()));
	}

	/**
	 * Cancels a queued or running experiment: tasks not started never start, running ones
	 * are interrupted.
	 * @throws ExperimentFinishedException when it had already finished
	 */
	ExperimentView cancel(String id) {
		Optional<Experiment> here = this.registry.find(id);
		if (here.isPresent()) {
			Experiment experiment = here.get();
			if (!experiment.stop(StopReason.CANCELLED)) {
				throw new ExperimentFinishedException(id, experiment.status());
			}
			return ExperimentView.of(experiment);
		}
		// Another replica runs it (or ran it): it reads the request at its next
		// heartbeat.
		ExperimentStore.Stored stored = this.store.find(id).orElseThrow(() -> new ExperimentNotFoundException(id));
		if (stored.finished() || !this.store.askCancel(id)) {
			throw new ExperimentFinishedException(id,
					this.store.find(id).map((s) -> s.view().status()).orElse(stored.view().status()));
		}
		return stored.view();
	}

	/**
	 * Enforces the store's retention (the heartbeat does, every second: not each write,
	 * whose cost it would double for a tiny experiment); what the store no longer has,
	 * this replica no longer answers for either.
	 */
	void enforceRetention() {
		this.registry.forget(this.store.enforceRetention());
	}

	/** Experiments this replica has accepted and not yet finished. */
	List<Experiment> unfinished() {
		return this.registry.all().stream().filter((e) -> !e.status().isFinished()).toList();
	}

	/**
	 * Conducts on a pooled thread named {@code lab-experiment-<n>} while it does; the
	 * thread is detached from the experiment (no cancel can reach it) once the experiment
	 * has finished, before it goes back to the pool.
	 */
	private void conductOnPooledThread(Experiment experiment, AdmissionGate.Ticket ticket, Runnable release) {
		Thread thread = Thread.currentThread();
		String poolName = thread.getName();
		thread.setName("lab-experiment-" + experiment.sequence());
		experiment.conductedBy(thread);
		try {
			conduct(experiment, ticket, release);
		}
		finally {
			thread.setName(poolName);
			Thread.interrupted();
		}
	}

	private void conduct(Experiment experiment, AdmissionGate.Ticket ticket, Runnable release) {
		long queuedAt = this.clock.nanoTime();
		try {
			// A stop asked for before this thread ran could not interrupt it.
			if (experiment.stopRequested() || this.stopping) {
				throw new InterruptedException("stopped before admission");
			}
			if (ticket != null) {
				ticket.awaitAdmission();
			}
		}
		catch (InterruptedException ex) {
			if (ticket != null) {
				ticket.close();
			}
			endUnrun(experiment, ExperimentStatus.CANCELLED,
					this.stopping ? "The service shut down while the experiment waited in QUEUED."
							: "Cancelled on request while it waited in QUEUED; no task ran.",
					release);
			return;
		}
		long admissionWait = this.clock.nanoTime() - queuedAt;
		ExperimentSpec spec = experiment.spec();
		Execution execution;
		Integer slot = null;
		InterferenceMeter.Reading start;
		// Started before the run's clock, and stopped after its end is read: JFR's own
		// start and stop (slow the first time) are not part of the run's figures.
		ExperimentRecording recording = spec.record() ? this.recordings.start(experiment.id()) : null;
		DbPool pool = null;
		FileFolder files = null;
		try {
			slot = this.freeSlots.poll();
			// Before the run's clock (its origin) starts: a million Poisson gaps take a
			// while.
			long[] arrivals = (spec.arrival() != null) ? spec.arrival().offsetsNanos(spec.tasks()) : null;
			DbWorkload db = (spec.workload() instanceof DbWorkload query) ? query
					: (spec.workload() instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.DB))
							? steps.pool() : null;
			if (db != null) {
				// Full before the clock starts: making connections is not the run's work.
				String name = "lab-e" + experiment.sequence() + "-db";
				pool = this.dbPools.open(name, db, this.threads.platform(name + "-"));
			}
			FileWorkload file = (spec.workload() instanceof FileWorkload io) ? io
					: (spec.workload() instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.FILE))
							? steps.file() : null;
			if (file != null) {
				files = FileFolder.create(Path.of(System.getProperty("java.io.tmpdir")),
						"concurrency-lab-files-e" + experiment.sequence() + "-", file);
			}
			execution = new Execution(spec.workload(), spec.tasks(), spec.concurrency(), spec.timeoutMillis(),
					"lab-e" + experiment.sequence() + "-", this.clock, this.threads, this.http,
					this.metrics.observe(spec.mode().id(), (slot != null) ? slot : 0));
			execution.cpuEstimate(cpuNanosPerTask(spec.workload(), this.machine.currentCapacity()));
			if (pool != null) {
				execution.database(pool);
			}
			if (arrivals != null) {
				execution.arrivals(arrivals, TimeUnit.MILLISECONDS.toNanos(spec.arrival().maxQueueMillis()));
			}
			if (files != null) {
				execution.files(files);
			}
			execution.workerJvmOptions(workerJvmOptions(recording, files));
			if (recording != null) {
				recording.anchor(Instant.now(), execution.elapsedNanos());
				experiment.recording(recording);
			}
			start = InterferenceMeter.read(this.clock.nanoTime());
		}
		catch (SQLException | IOException | RuntimeException | Error ex) {
			// Nothing ran (e.g. no memory for a million-task log, no database, a cancel
			// while the pool was being filled): free the machine.
			boolean stopped = experiment.stopRequested() || this.stopping;
			String why;
			if (stopped) {
				why = this.stopping ? "The service shut down before the first task; no task ran."
						: "Cancelled on request before the first task; no task ran.";
				logger.debug("Experiment {} stopped while it started", experiment.id(), ex);
			}
			else if (ex instanceof IOException) {
				why = "The file workload's folder could not be made (" + ex.getClass().getSimpleName()
						+ "); no task ran.";
				logger.warn("Experiment {} could not make its file folder", experiment.id(), ex);
			}
			else if (ex instanceof SQLException) {
				why = "The db workload's database could not be reached (" + this.dbPools.describe() + ": "
						+ ex.getMessage() + "); no task ran.";
				logger.warn("Experiment {} could not open its pool on {}: {}", experiment.id(), this.dbPools.describe(),
						ex.getMessage());
			}
			else {
				why = "The experiment could not start (" + ex.getClass().getSimpleName() + "); no task ran.";
				logger.error("Experiment {} could not start", experiment.id(), ex);
			}
			closeAfterRun(experiment, pool, "database pool");
			closeAfterRun(experiment, files, "file folder");
			if (slot != null) {
				this.freeSlots.add(slot);
			}
			if (recording != null) {
				recording.delete("the experiment could not start");
			}
			if (ticket != null) {
				ticket.close();
			}
			endUnrun(experiment, stopped ? ExperimentStatus.CANCELLED : ExperimentStatus.FAILED, why, release);
			return;
		}
		this.metrics.experimentStarted(spec.mode().id(), execution);
		if (ticket != null) {
			ticket.activity(execution::busyNanos);
		}
		// Its RUNNING state reaches the store with the next heartbeat: a write here would
		// be
		// inside the run's clock (measured: it made 100,000 no-op tasks ~10 % slower).
		experiment.running(execution, Instant.now());
		String failure = null;
		try {
			spec.mode().run(execution);
		}
		catch (InterruptedException ex) {
			// Cancelled: the stop reason is already set and the runner has ended its
			// threads.
		}
		catch (RuntimeException | Error ex) {
			logger.error("The {} runner failed in experiment {}", spec.mode().id(), experiment.id(), ex);
			failure = "The " + spec.mode().id() + " mode failed unexpectedly (" + ex.getClass().getSimpleName()
					+ "); unfinished tasks were cancelled.";
		}
		finally {
			Thread.interrupted(); // a late cancel must not disturb the bookkeeping below
			execution.finish();
			closeAfterRun(experiment, pool, "database pool");
			closeAfterRun(experiment, files, "file folder");
			InterferenceMeter.Reading end = InterferenceMeter.read(this.clock.nanoTime());
			int otherRuns = (ticket != null) ? ticket.otherRuns() : 0;
			long otherBusy = (ticket != null) ? ticket.otherRunsBusyNanos(end.nanos()) : 0;
			// The run has ended (its tasks, threads and workers): the machine is free,
			// and
			// that moment is its finishedAt; summarising it is bookkeeping.
			Instant ended = Instant.now();
			if (recording != null) {
				// Within the run's admission window: JFR writing its file disturbs no
				// other
				// run. Reading it is bookkeeping, after the window.
				recording.stop();
			}
			finish(experiment, execution, start, end, admissionWait, otherRuns, otherBusy, failure, slot, ended,
					release, ticket);
		}
	}

	/**
	 * Closes what a run owned beside its threads (a db workload's pool, a file workload's
	 * folder) once it has ended; a failure is logged, never thrown.
	 */
	private static void closeAfterRun(Experiment experiment, AutoCloseable resource, String what) {
		if (resource == null) {
			return;
		}
		try {
			resource.close();
		}
		catch (Exception ex) {
			logger.warn("Experiment {} could not close its {} cleanly", experiment.id(), what, ex);
		}
	}

	/**
	 * The JVM options of each worker JVM: the recording's (if any), and the file folder's
	 * path (if any).
	 */
	private static Supplier<List<String>> workerJvmOptions(ExperimentRecording recording, FileFolder files) {
		List<String> folder = (files != null) ? List.of("-D" + FileFolder.PROPERTY + "=" + files.path()) : List.of();
		if (recording == null) {
			return () -> folder;
		}
		return () -> {
			List<String> options = new ArrayList<>(recording.workerJvmOptions());
			options.addAll(folder);
			return options;
		};
	}

	/** Ends an experiment that never ran a task. */
	private void endUnrun(Experiment experiment, ExperimentStatus status, String error, Runnable release) {
		try {
			experiment.finished(status, null, error, Instant.now());
		}
		finally {
			release.run();
			markEnded(experiment);
			// Queued before the answer goes out (written after it): a read that waits
			// for the writes queued before it then finds the experiment whole.
			store(experiment, null, null);
			experiment.done().complete(experiment);
		}
	}

	/** Queues how an experiment ended for the store, ahead of the rest of it. */
	private void markEnded(Experiment experiment) {
		this.writer.submit("experiment " + experiment.id() + " (ended)", () -> this.store.ended(experiment));
	}

	/**
	 * Has the store writer write a finished experiment after its answer went out, then
	 * lets this replica forget it in its turn and the next exclusive run in: the write is
	 * bookkeeping of no run's figures (measured: 15 to 20 ms for 100,000 tasks, a fifth
	 * of their wall time), and no run is measured while it goes on. Until it has landed,
	 * this replica answers for the experiment from memory, as it will read from the
	 * store.
	 */
	private void store(Experiment experiment, Execution execution, AdmissionGate.Ticket ticket) {
		this.writer.submit("experiment " + experiment.id(), () -> persist(experiment, execution))
			.whenComplete((written, failure) -> {
				try {
					this.registry.finished(experiment);
				}
				finally {
					if (ticket != null) {
						ticket.close();
					}
					experiment.stored().complete(experiment);
				}
			});
	}

	private void finish(Experiment experiment, Execution execution, InterferenceMeter.Reading start,
			InterferenceMeter.Reading end, long admissionWait, int otherRuns, long otherBusy, String failure,
			Integer slot, Instant ended, Runnable release, AdmissionGate.Ticket ticket) {
		if (experiment.recording() != null) {
			// Read before the status is final (a reader that sees it finished sees the
			// rest, the recording's summary included); a recording that cannot be read
			// must not keep the experiment from ending.
			try {
				this.recordings.finish(experiment.recording(), threadIds(execution.log()),
						"lab-e" + experiment.sequence() + "-");
			}
			catch (RuntimeException | Error ex) {
				logger.warn("Experiment {}: its recording could not be summarised ({})", experiment.id(),
						ex.toString());
				experiment.recording().delete("it could not be summarised (" + ex.getClass().getSimpleName() + ")");
			}
		}
		try {
			ExperimentSpec spec = experiment.spec();
			// Only computation needs the capacity; waits do not wait for the first
			// calibration.
			Capacity capacity = (spec.workload().iterationsPerTask() > 0) ? awaitCapacity()
					: this.machine.currentCapacity();
			Ideal ideal = Ideal.of(spec.workload(), spec.tasks(), spec.concurrency(),
					spec.mode().computeParallelism(spec.concurrency(), LabProperties.cores()), capacity);
			if (spec.arrival() != null && execution.arrived() > 0) {
				ideal = Ideal.open(ideal, execution.log().queuedNanos(execution.arrived() - 1), spec.workload(),
						capacity);
			}
			execution.cpuEstimate(cpuNanosPerTask(spec.workload(), capacity));
			Execution.Progress progress = execution.progress();
			TaskLog log = execution.log();
			long workerCpu = workerCpuNanos(log);
			Interference interference = InterferenceMeter.between(start, end, spec.isolation(), admissionWait,
					otherRuns, otherBusy, ownTaskCpuNanos(log), workerCpu);
			Summary summary = Summaries.of(log, progress.peakInFlight(),
					Math.max(0, end.processCpuNanos() - start.processCpuNanos()) + workerCpu, ideal,
					Ideal.nanosPerTaskAlone(spec.workload(), capacity), interference,
					(spec.arrival() != null) ? OpenModel.of(log, spec.arrival(), execution.arrived()) : null);
			StopReason stop = execution.stopReason();
			ExperimentStatus status;
			String error = failure;
			if (stop == StopReason.CANCELLED || stop == StopReason.SHUTDOWN) {
				status = ExperimentStatus.CANCELLED;
				error = (stop == StopReason.SHUTDOWN) ? "The service shut down while the experiment ran."
						: "Cancelled on request: " + summary.succeeded() + " tasks had succeeded, "
								+ summary.cancelled() + " were cancelled.";
			}
			else if (stop == StopReason.DEADLINE) {
				status = ExperimentStatus.FAILED;
				error = "The deadline of " + spec.timeoutMillis() + " ms passed: " + summary.succeeded()
						+ " tasks succeeded, " + summary.failed() + " failed and " + summary.cancelled()
						+ " were cancelled.";
			}
			else if (failure != null || summary.failed() > 0) {
				status = ExperimentStatus.FAILED;
				error = (failure != null) ? failure
						: summary.failed() + " of " + spec.tasks() + " tasks failed; their `error` fields say why.";
			}
			else {
				status = ExperimentStatus.SUCCEEDED;
			}
			experiment.finished(status, summary, error, ended);
		}
		catch (RuntimeException | Error ex) {
			logger.error("Could not summarise experiment {}", experiment.id(), ex);
			experiment.finished(ExperimentStatus.FAILED, null, "The experiment could not be summarised.", ended);
		}
		finally {
			ExperimentSpec spec = experiment.spec();
			this.metrics.experimentFinished(spec.mode().id(), spec.workload().typeId(), experiment.status().name(),
					execution);
			if (slot != null) {
				this.freeSlots.add(slot);
			}
			release.run();
			markEnded(experiment);
			// Queued before the answer goes out (written after it), as above.
			store(experiment, execution, ticket);
			experiment.done().complete(experiment);
		}
	}

	/**
	 * Writes a finished experiment to the store, before it counts as done: its first
	 * answer and any replica's then agree. A store that fails loses it from the store
	 * only (it is logged); this replica still answers for it while it holds it.
	 */
	private void persist(Experiment experiment, Execution execution) {
		long started = System.nanoTime();
		try {
			ExperimentSpec spec = experiment.spec();
			StopReason stop = (execution != null) ? execution.stopReason() : null;
			StoredRun run = new StoredRun(spec.arrival(),
					(spec.arrival() != null && execution != null) ? execution.arrived() : -1,
					(stop != null) ? stop.name() : null, (execution != null) ? execution.stopNanos() : -1,
					pinMarks(experiment.recording()));
			Capacity capacity = this.machine.currentCapacity();
			long bytes = this.store.finished(experiment, (execution != null) ? execution.log() : null, run,
					(capacity != null) ? capacity.parallelCapacity() : null);
			this.metrics.experimentStored(bytes, System.nanoTime() - started);
		}
		catch (RuntimeException ex) {
			logger.error("Experiment {} could not be written to the store", experiment.id(), ex);
		}
	}

	private Capacity awaitCapacity() {
		try {
			return this.machine.awaitCapacity(CAPACITY_WAIT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.machine.currentCapacity();
		}
	}

	/**
	 * CPU the worker processes of a process mode used: the thread CPU time each task's
	 * worker measured for it, plus each worker's start-up CPU (its process total, read
	 * once before it exits, minus its tasks'); 0 for the other modes.
	 */
	private static long workerCpuNanos(TaskLog log) {
		if (!log.processes()) {
			return 0;
		}
		long total = 0;
		for (int task = 0; task < log.size(); task++) {
			total += Math.max(0, log.cpuNanos(task)) + Math.max(0, log.spawnCpuNanos(task));
		}
		return total;
	}

	/**
	 * CPU time of this run's own tasks inside the service: 0 when they ran in worker
	 * processes, -1 when some task that started could not be measured (virtual threads,
	 * timers, a task stopped before its CPU time was read).
	 */
	private static long ownTaskCpuNanos(TaskLog log) {
		if (log.processes()) {
			return 0;
		}
		long total = 0;
		for (int task = 0; task < log.size(); task++) {
			if (log.threadId(task) == 0) {
				continue; // never started
			}
			long cpu = log.cpuNanos(task);
			if (cpu < 0) {
				return -1;
			}
			total += cpu;
		}
		return total;
	}

	/**
	 * Accepts experiments; also after a stop (a paused test context is started again).
	 */
	@Override
	public void start() {
		this.stopping = false;
		this.running = true;
	}

	/**
	 * Refuses new experiments, cancels the running ones and waits for their conductors.
	 */
	@Override
	public void stop() {
		List<Experiment> stopped;
		synchronized (this.admission) {
			// From here no start gets past its check, and every one before has registered
			// its experiment: the snapshot holds every one not yet finished. Each is
			// stopped, waited for and logged, also one whose conductor, seeing the flag
			// first, ends it on its own before the stop below reaches it.
			this.stopping = true;
			stopped = this.registry.all().stream().filter((e) -> !e.status().isFinished()).toList();
		}
		for (Experiment experiment : stopped) {
			experiment.stop(StopReason.SHUTDOWN);
		}
		long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
		for (Experiment experiment : stopped) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			try {
				experiment.stored().get(left, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				// A conductor that does not end in time is logged by the pool's close.
			}
		}
		for (Experiment experiment : stopped) {
			Execution execution = experiment.execution();
			logger.info("Shutdown: experiment {} ({}) {}{}", experiment.id(), experiment.spec().mode().id(),
					experiment.status(), (execution != null) ? ", " + execution.progress().completed() + " of "
							+ experiment.spec().tasks() + " tasks completed" : ", no task started");
		}
		this.running = false;
	}

	/** Ends the conductor threads with the context. */
	@PreDestroy
	void closeConductors() throws InterruptedException {
		this.conductors.shutdownNow();
		if (!this.conductors.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
			logger.warn("Conductor threads still ran {} after the context closed", SHUTDOWN_WAIT);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before the web server's graceful shutdown, so waiting requests get answers.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/** The pins JFR recorded, as slices of the run's trace. */
	private static List<TraceJson.Mark> pinMarks(ExperimentRecording recording) {
		if (recording == null) {
			return List.of();
		}
		List<TraceJson.Mark> marks = new ArrayList<>();
		for (PinnedEvent pin : recording.pinnedEvents()) {
			Long start = recording.runNanos(pin.start());
			if (start != null) {
				marks.add(new TraceJson.Mark("pinned", pin.threadId(), start, pin.durationNanos(),
						(pin.reason() != null) ? pin.reason() : "pinned", pin.frame()));
			}
		}
		return marks;
	}

	/** The threads the tasks of a run ran on, for its recording's summary. */
	private static ThreadIds threadIds(TaskLog log) {
		long[] ids = new long[log.size()];
		for (int task = 0; task < ids.length; task++) {
			ids[task] = log.threadId(task);
		}
		return ThreadIds.of(ids);
	}

	/**
	 * The calibrated cost of one task's computation on a core alone, or -1 when unknown:
	 * the on-CPU estimate of tasks whose thread's CPU time cannot be measured.
	 */
	private static long cpuNanosPerTask(Workload workload, Capacity capacity) {
		return (capacity != null && capacity.nanosPerIteration() > 0)
				? Math.round(workload.iterationsPerTask() * capacity.nanosPerIteration()) : -1;
	}

}
