package dev.concurrencylab.execution;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.workload.BlockingWork;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DbPool;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileFolder;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.DelayClient;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.PhaseSink;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.StepsWorkload;
import dev.concurrencylab.workload.Workload;

/**
 * One experiment's tasks while it runs: what to run, the task log every mode writes to,
 * the progress counters, the deadline and the {@link StopSignal}; the threads and
 * executors a mode uses are its {@link ModeResources}. A {@link ModeRunner} calls
 * {@link #begin} when a task starts and {@link #succeeded}/{@link #failed} when it ends;
 * everything the lab reports is derived from those calls.
 *
 * <p>
 * Concurrency: the task hooks are called from any thread of the mode, each task's hooks
 * in order. Counters are atomics; the stop signal is set at most once.
 */
public final class Execution implements PhaseSink {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/** How often a wait for the tasks looks at the stop signal. */
	private static final long STOP_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final Workload workload;

	private final int tasks;

	private final int concurrency;

	private final LabClock clock;

	private final AtomicLong stopAtNanos = new AtomicLong(-1);

	private final long originNanos;

	private final long deadlineNanos;

	private final long timeoutMillis;

	private final ModeResources resources;

	private final TaskLog log;

	private final TaskObserver observer;

	/** Counted down once per task that finishes; the runner waits on it. */
	private final CountDownLatch unfinished;

	private final AtomicInteger succeeded = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger cancelled = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	/**
	 * The open model's intended arrival of each task, in nanoseconds from the origin;
	 * null in the closed model (every task there from the start). Set before the run.
	 */
	private volatile long[] arrivals;

	/** How long an arrived task may wait to start before it is dropped; open model. */
	private volatile long maxQueueNanos = Long.MAX_VALUE;

	/** Notified at each arrival, for {@link #awaitArrived}. */
	private final Object arrivalSignal = new Object();

	/** Whether tasks arrive on a schedule; the schedule is let go when the run ends. */
	private volatile boolean openModel;

	/**
	 * Tasks released so far: arrived in the open model, handed over in the closed one.
	 */
	private volatile int released;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger peakInFlight = new AtomicInteger();

	private final StopSignal stop = new StopSignal();

	private volatile long endNanos = -1;

	/**
	 * The extra JVM options of the next worker JVM (a recording's), asked once per
	 * launch; none unless set before the run.
	 */
	private volatile Supplier<List<String>> workerJvmOptions = List::of;

	public Execution(Workload workload, int tasks, int concurrency, long timeoutMillis, String threadPrefix,
			LabClock clock, LabThreads threads, DelayClient http) {
		this(workload, tasks, concurrency, timeoutMillis, threadPrefix, clock, threads, http, TaskObserver.NONE);
	}

	public Execution(Workload workload, int tasks, int concurrency, long timeoutMillis, String threadPrefix,
			LabClock clock, LabThreads threads, DelayClient http, TaskObserver observer) {
		this.observer = observer;
		this.workload = workload;
		this.tasks = tasks;
		this.concurrency = concurrency;
		this.timeoutMillis = timeoutMillis;
		this.clock = clock;
		this.resources = new ModeResources(threadPrefix, threads, http, observer);
		this.log = new TaskLog(tasks, waits(workload), computes(workload), workload instanceof DbWorkload
				|| (workload instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.DB)));
		if (workload instanceof LockWorkload
				|| (workload instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.LOCK))) {
			this.log.enableLockWaits();
		}
		this.unfinished = new CountDownLatch(tasks);
		this.originNanos = clock.nanoTime();
		this.deadlineNanos = this.originNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
	}

	public Workload workload() {
		return this.workload;
	}

	public int tasks() {
		return this.tasks;
	}

	public int concurrency() {
		return this.concurrency;
	}

	public TaskLog log() {
		return this.log;
	}

	/** The threads, thread names, executors and HTTP client the mode runs tasks with. */
	public ModeResources resources() {
		return this.resources;
	}

	/** Nanoseconds since this experiment's origin. */
	public long elapsedNanos() {
		long end = this.endNanos;
		return ((end >= 0) ? end : this.clock.nanoTime()) - this.originNanos;
	}

	/**
	 * Task-nanoseconds this experiment had tasks in flight within {@code [fromNanos,
	 * toNanos)} of its clock, for the runs it overlapped. Reads the log while tasks run:
	 * a task that is running counts until now.
	 */
	public long busyNanos(long fromNanos, long toNanos) {
		long now = this.clock.nanoTime();
		long busy = 0;
		for (int task = 0; task < this.tasks; task++) {
			TaskState state = this.log.state(task);
			if (state == TaskState.PENDING) {
				continue;
			}
			long start = this.originNanos + this.log.startNanos(task);
			long end = state.isFinished() ? this.originNanos + this.log.endNanos(task) : now;
			busy += Math.max(0, Math.min(end, toNanos) - Math.max(start, fromNanos));
		}
		return busy;
	}

	// ---- task hooks, called by the modes

	/** Records when a task was handed to the mode's scheduler. */
	public void queued(int task) {
		this.log.queued(task, now());
	}

	/**
	 * Makes this an open-model run: task {@code i} arrives {@code offsetsNanos[i]} after
	 * the origin (ascending), and is dropped if it has not begun {@code maxQueueNanos}
	 * after that. Called once, before the run.
	 */
	public void arrivals(long[] offsetsNanos, long maxQueueNanos) {
		if (offsetsNanos.length != this.tasks) {
			throw new IllegalArgumentException("one arrival per task");
		}
		this.maxQueueNanos = maxQueueNanos;
		this.arrivals = offsetsNanos;
		this.openModel = true;
	}

	/** Whether tasks arrive on a schedule (the open model). */
	public boolean open() {
		return this.openModel;
	}

	/**
	 * Hands over a task when it arrives: in the open model waits until its intended
	 * arrival and records that moment, not this one, as its queued time (so that a late
	 * release never hides latency); in the closed model records now. Called in task order
	 * by the one thread that releases tasks. Returns false when the experiment stops (or
	 * its deadline passes) first: release no more.
	 * @throws InterruptedException when the experiment is cancelled
	 */
	public boolean arrive(int task) throws InterruptedException {
		long[] schedule = this.arrivals;
		if (schedule == null) {
			queued(task);
			this.released = task + 1;
			return true;
		}
		long due = this.originNanos + schedule[task];
		while (true) {
			if (this.stop.reason() != null) {
				return false;
			}
			long now = this.clock.nanoTime();
			if (now >= this.deadlineNanos) {
				stop(StopReason.DEADLINE);
				return false;
			}
			if (now >= due) {
				break;
			}
			LockSupport.parkNanos(Math.min(due - now, STOP_POLL_NANOS));
			if (Thread.interrupted()) {
				throw new InterruptedException("cancelled while releasing tasks");
			}
		}
		this.log.queued(task, schedule[task]);
		synchronized (this.arrivalSignal) {
			this.released = task + 1;
			this.arrivalSignal.notifyAll();
		}
		return true;
	}

	/**
	 * Open model: waits until task {@code task} has arrived, for a mode whose own threads
	 * pull tasks (a worker pool); answers false once the experiment stops. In the closed
	 * model every task is there: true at once.
	 * @throws InterruptedException when the experiment is cancelled
	 */
	public boolean awaitArrived(int task) throws InterruptedException {
		if (!this.openModel) {
			return true;
		}
		synchronized (this.arrivalSignal) {
			while (this.released <= task) {
				if (this.stop.reason() != null) {
					return false;
				}
				this.arrivalSignal.wait(TimeUnit.NANOSECONDS.toMillis(STOP_POLL_NANOS) + 1);
			}
		}
		return this.stop.reason() == null;
	}

	/**
	 * Open model: how many tasks arrived (were released on schedule) before the run
	 * ended.
	 */
	public int arrived() {
		return this.released;
	}

	/**
	 * Starts a task on the calling thread. Returns false, and marks the task cancelled,
	 * if the experiment is stopping, or dropped, if in the open model it waited longer
	 * than allowed: the caller must then not run it.
	 */
	public boolean begin(int task) {
		if (this.arrivals != null && this.stop.reason() == null
				&& now() - this.log.queuedNanos(task) > this.maxQueueNanos) {
			dropTask(task);
			return false;
		}
		if (this.stop.reason() != null || !this.log.start(task, now(), Thread.currentThread())) {
			cancelTask(task);
			return false;
		}
		int running = this.inFlight.incrementAndGet();
		this.peakInFlight.accumulateAndGet(running, Math::max);
		return true;
	}

	/** Sets where the extra JVM options of each worker JVM come from; before the run. */
	public void workerJvmOptions(Supplier<List<String>> options) {
		this.workerJvmOptions = options;
	}

	/** The extra JVM options of the next worker JVM. */
	List<String> nextWorkerJvmOptions() {
		return this.workerJvmOptions.get();
	}

	/**
	 * Gives the tasks of a {@code db} workload their pool; called once, before the run.
	 * The caller owns the pool and closes it after the run.
	 */
	public void database(DbPool pool) {
		this.resources.database(pool);
	}

	/**
	 * Gives the tasks of a {@code file} workload their folder; called once, before the
	 * run. The caller owns the folder and deletes it after the run.
	 */
	public void files(FileFolder folder) {
		this.resources.files(folder);
	}

	/** Gives the task log the lock-wait column; called once, before any task. */
	public void enableLockWaits() {
		this.log.enableLockWaits();
	}

	/**
	 * Sets the calibrated cost of one task's computation on a core alone, which estimates
	 * a task's on-CPU time where its thread's CPU time cannot be measured (virtual
	 * threads); -1 when not known. Called once, before any task.
	 */
	public void cpuEstimate(long nanosPerTask) {
		this.log.cpuEstimate(nanosPerTask);
	}

	/** The clock every phase is timed with: this experiment's. */
	@Override
	public long nanoTime() {
		return this.clock.nanoTime();
	}

	/**
	 * Adds to a phase of a task; called by the thread running that part of it. A part
	 * that ends after its task did (an HTTP answer after a cancel) is not the task's any
	 * more and is dropped.
	 */
	@Override
	public void add(int task, Phase phase, long nanos) {
		if (!this.log.state(task).isFinished()) {
			this.log.addPhase(task, phase, nanos);
		}
	}

	/**
	 * Records a timer wait that ended now: its wait is the time since
	 * {@code scheduledAtNanos} (of {@link #nanoTime}) but at most the delay asked for; a
	 * timer that fires late, behind a busy thread, was not waiting any more.
	 */
	public void timerFired(int task, long scheduledAtNanos, long delayNanos) {
		add(task, Phase.WAITING, Math.min(this.clock.nanoTime() - scheduledAtNanos, delayNanos));
	}

	/**
	 * Ends a task whose one wait, a timer of {@code delayNanos} started when the task
	 * began, fired now: {@link #timerFired} and {@link #succeeded} with one clock read.
	 */
	public void succeededAfterTimer(int task, long result, long delayNanos) {
		long now = now();
		this.log.addPhase(task, Phase.WAITING, Math.min(now - this.log.startNanos(task), delayNanos));
		if (this.log.finish(task, TaskState.SUCCEEDED, now, result, null)) {
			this.succeeded.incrementAndGet();
			ended(task);
		}
	}

	/** Gives the task log the pid and spawn columns; called once, before any task. */
	public void enableProcesses() {
		this.log.enableProcesses();
	}

	/**
	 * Records that a running task's work starts now in worker {@code pid}, which took
	 * {@code spawnNanos} to start for it (-1 when it was already running).
	 */
	public void onWorker(int task, long pid, long spawnNanos) {
		this.log.worker(task, pid, spawnNanos, now());
	}

	/**
	 * Records the start-up CPU time of the worker whose start-up {@code task} paid (-1:
	 * unknown, nothing recorded). Called once the worker is reaped, maybe after the task
	 * ended.
	 */
	public void spawnCpu(int task, long cpuNanos) {
		if (cpuNanos >= 0) {
			this.log.spawnCpu(task, cpuNanos);
		}
	}

	/** Records the calling thread as the one that runs (computes) the task. */
	public void onThread(int task) {
		this.log.onThread(task, Thread.currentThread());
	}

	/** Adds CPU time that a part of the task used on some thread. */
	public void addCpu(int task, long cpuNanos) {
		if (cpuNanos >= 0) {
			this.log.addCpu(task, cpuNanos);
		}
	}

	/** Ends a task with its result. */
	public void succeeded(int task, long result) {
		if (this.log.finish(task, TaskState.SUCCEEDED, now(), result, null)) {
			this.succeeded.incrementAndGet();
			ended(task);
		}
	}

	/**
	 * Ends a task with an error. A task that ends while the experiment is stopping counts
	 * as cancelled, not failed: the stop ended it (an interrupt, a killed worker).
	 */
	public void failed(int task, Throwable error) {
		Throwable cause = unwrap(error);
		if (this.stop.reason() != null) {
			cancelTask(task);
			return;
		}
		if (this.log.finish(task, TaskState.FAILED, now(), 0, describe(cause))) {
			this.failed.incrementAndGet();
			ended(task);
		}
	}

	/**
	 * Runs one whole task on the calling thread: begin, the blocking work, the CPU time
	 * of this thread (not measurable on a virtual thread), end.
	 */
	public void runBlocking(int task, BlockingWork work) {
		if (!begin(task)) {
			return;
		}
		long cpuBefore = threadCpuNanos();
		try {
			long result = work.run(task, this.workload, this);
			recordCpu(task, cpuBefore);
			succeeded(task, result);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed(task, ex);
		}
		catch (Exception | StackOverflowError ex) {
			failed(task, ex);
		}
	}

	/** Records the CPU time this thread used since {@code cpuBefore}. */
	public void recordCpu(int task, long cpuBefore) {
		if (cpuBefore >= 0) {
			long cpuAfter = threadCpuNanos();
			if (cpuAfter >= 0) {
				this.log.setCpu(task, cpuAfter - cpuBefore);
			}
		}
	}

	/** CPU nanoseconds of the calling thread, or -1 on a virtual thread. */
	public static long threadCpuNanos() {
		return Thread.currentThread().isVirtual() ? -1 : THREADS.getCurrentThreadCpuTime();
	}

	// ---- waiting and stopping, called by the runner

	/**
	 * Waits until every task has finished, the experiment is asked to stop, or the
	 * deadline passes. Returns false if the deadline passed.
	 * @throws InterruptedException when the experiment is cancelled
	 */
	public boolean awaitTasks() throws InterruptedException {
		while (true) {
			long remaining = this.deadlineNanos - this.clock.nanoTime();
			if (remaining <= 0) {
				stop(StopReason.DEADLINE);
				return false;
			}
			// A stop without an interrupt (tasks held back, never begun) is noticed
			// within a
			// poll; an interrupt ends the wait at once.
			if (this.unfinished.await(Math.min(remaining, STOP_POLL_NANOS), TimeUnit.NANOSECONDS)
					|| this.stop.reason() != null) {
				return true;
			}
		}
	}

	/**
	 * Takes a permit for one more task in flight, waiting at most until the deadline.
	 * Returns false if the deadline passed or the experiment is stopping.
	 */
	public boolean acquire(Semaphore permits) throws InterruptedException {
		long remaining = this.deadlineNanos - this.clock.nanoTime();
		if (this.stop.reason() == null && permits.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
			return true;
		}
		stop(StopReason.DEADLINE);
		return false;
	}

	/** Whether the experiment is stopping: tasks not yet begun must not start. */
	public boolean stopping() {
		return this.stop.reason() != null;
	}

	/** Asks every task that has not begun not to start. The first reason wins. */
	public void stop(StopReason reason) {
		this.stopAtNanos.compareAndSet(-1, this.clock.nanoTime() - this.originNanos);
		this.stop.raise(reason);
	}

	/** When the first stop was asked for, in nanoseconds from the start; -1 if never. */
	public long stopNanos() {
		return this.stopAtNanos.get();
	}

	public StopReason stopReason() {
		return this.stop.reason();
	}

	/**
	 * Called once by the owner after the runner returned: every task that did not finish
	 * is marked cancelled, and the clock stops.
	 */
	public void finish() {
		this.endNanos = this.clock.nanoTime();
		// Each task's arrival is its queued time now: the schedule is garbage.
		this.arrivals = null;
		this.observer.finished();
		for (int task = 0; task < this.tasks; task++) {
			if (!this.log.state(task).isFinished()) {
				cancelTask(task);
			}
		}
	}

	// ---- progress

	/** Tasks running now. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** Counters as they are now. */
	public Progress progress() {
		return new Progress(this.succeeded.get() + this.failed.get(), this.failed.get(), this.cancelled.get(),
				this.dropped.get(), this.inFlight.get(), this.peakInFlight.get());
	}

	/**
	 * Counters of an experiment.
	 *
	 * @param completed tasks that finished, with a result or an error
	 * @param failed tasks that finished with an error
	 * @param cancelled tasks stopped or never started because the experiment stopped
	 * @param dropped open model: tasks that waited longer than {@code maxQueueMillis}
	 * from their arrival to start, and never ran
	 * @param inFlight tasks running now
	 * @param peakInFlight most tasks running at once so far
	 */
	public record Progress(int completed, int failed, int cancelled, int dropped, int inFlight, int peakInFlight) {
	}

	private void dropTask(int task) {
		if (this.log.drop(task, now(), "dropped: it waited more than maxQueueMillis ("
				+ TimeUnit.NANOSECONDS.toMillis(this.maxQueueNanos) + " ms) from its arrival to start")) {
			this.dropped.incrementAndGet();
			this.unfinished.countDown();
		}
	}

	private void cancelTask(int task) {
		TaskState was = this.log.cancel(task, now(), cancelReason());
		if (was == null) {
			return;
		}
		if (was == TaskState.RUNNING) {
			this.inFlight.decrementAndGet();
		}
		this.cancelled.incrementAndGet();
		this.unfinished.countDown();
	}

	private String cancelReason() {
		StopReason reason = this.stop.reason();
		if (reason == StopReason.DEADLINE) {
			return "the experiment's deadline of " + this.timeoutMillis + " ms passed before this task finished";
		}
		if (reason == StopReason.SHUTDOWN) {
			return "the service shut down before this task finished";
		}
		return "the experiment was cancelled before this task finished";
	}

	private void ended(int task) {
		this.inFlight.decrementAndGet();
		this.unfinished.countDown();
	}

	private long now() {
		return this.clock.nanoTime() - this.originNanos;
	}

	private static boolean waits(Workload workload) {
		return switch (workload) {
			case SleepWorkload sleep -> true;
			case MixedWorkload mixed -> true;
			case HttpWorkload call -> true;
			case CpuWorkload cpu -> false;
			case LockWorkload lock -> lock.holdMillis() > 0;
			case DbWorkload db -> true;
			case FileWorkload file -> true;
			case StepsWorkload steps -> steps.kinds().stream().anyMatch((kind) -> kind != StepsWorkload.Kind.CPU);
		};
	}

	private static boolean computes(Workload workload) {
		return workload.iterationsPerTask() > 0 || workload instanceof CpuWorkload || workload instanceof MixedWorkload;
	}

	private static Throwable unwrap(Throwable error) {
		Throwable cause = error;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String describe(Throwable error) {
		String message = error.getMessage();
		String kind = error.getClass().getSimpleName();
		return (message == null || message.isBlank()) ? kind : kind + ": " + message;
	}

}
