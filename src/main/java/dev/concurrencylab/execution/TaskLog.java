package dev.concurrencylab.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The timings of every task of one experiment, kept in primitive arrays (49 bytes a task)
 * so that a million tasks cost about 50 MB and no object per task.
 *
 * <p>
 * Concurrency: each task's slots are written by whichever thread runs that step of the
 * task (start, then end), and the state byte is published last with release semantics and
 * read with acquire semantics, so a reader that sees a finished state sees that task's
 * times and result. Errors and thread names live in concurrent maps; both stay small
 * (errors only for failed tasks, names only for platform threads).
 */
public final class TaskLog {

	private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);

	/** Bytes held per task by the arrays below. */
	static final int BYTES_PER_TASK = 6 * Long.BYTES + 1;

	private final int size;

	/** Nanoseconds from the experiment's origin. */
	private final long[] queued;

	private final long[] start;

	private final long[] end;

	/** CPU nanoseconds of the task's own thread, -1 when it cannot be measured. */
	private final long[] cpu;

	private final long[] result;

	/** {@link Thread#threadId()} of the thread that ran (or computed) the task. */
	private final long[] thread;

	private final byte[] state;

	private final Map<Integer, String> errors = new ConcurrentHashMap<>();

	/** Names of the platform threads seen; a virtual thread is named by its id. */
	private final Map<Long, String> platformThreadNames = new ConcurrentHashMap<>();

	private final long servicePid = ProcessHandle.current().pid();

	/**
	 * Worker pids and start-up costs, only for the process modes; set before any task.
	 */
	private volatile long[] workerPid;

	private volatile long[] spawn;

	/** CPU nanoseconds of a worker's start-up, on the task that paid it; -1 when none. */
	private volatile long[] spawnCpu;

	TaskLog(int size) {
		this.size = size;
		this.queued = new long[size];
		this.start = new long[size];
		this.end = new long[size];
		this.cpu = new long[size];
		this.result = new long[size];
		this.thread = new long[size];
		this.state = new byte[size];
		Arrays.fill(this.cpu, -1);
	}

	/** Number of tasks. */
	public int size() {
		return this.size;
	}

	/** Bytes this log holds, for the retention budget. */
	public long retainedBytes() {
		return (long) this.size * (BYTES_PER_TASK + (processes() ? 3 * Long.BYTES : 0));
	}

	void queued(int task, long nanos) {
		this.queued[task] = nanos;
	}

	/** Moves a pending task to running; false if it was already stopped. */
	boolean start(int task, long nanos, Thread current) {
		if (!STATE.compareAndSet(this.state, task, TaskState.PENDING.code(), TaskState.RUNNING.code())) {
			return false;
		}
		this.start[task] = nanos;
		onThread(task, current);
		return true;
	}

	void onThread(int task, Thread current) {
		long id = current.threadId();
		this.thread[task] = id;
		if (!current.isVirtual()) {
			this.platformThreadNames.putIfAbsent(id, current.getName());
		}
	}

	void addCpu(int task, long nanos) {
		long before = this.cpu[task];
		this.cpu[task] = (before < 0) ? nanos : before + nanos;
	}

	/** Finishes a running task; false if something else finished it first. */
	boolean finish(int task, TaskState outcome, long nanos, long value, String error) {
		byte running = TaskState.RUNNING.code();
		if ((byte) STATE.getAcquire(this.state, task) != running) {
			return false;
		}
		this.end[task] = nanos;
		this.result[task] = value;
		if (error != null) {
			this.errors.put(task, error);
		}
		return STATE.compareAndSet(this.state, task, running, outcome.code());
	}

	void setCpu(int task, long nanos) {
		this.cpu[task] = nanos;
	}

	/**
	 * Cancels a task that has not finished; returns the state it had, or null when it had
	 * finished already.
	 */
	TaskState cancel(int task, long nanos, String reason) {
		while (true) {
			byte current = (byte) STATE.getAcquire(this.state, task);
			TaskState was = TaskState.of(current);
			if (was.isFinished()) {
				return null;
			}
			if (was == TaskState.PENDING) {
				this.start[task] = nanos;
			}
			this.end[task] = nanos;
			this.errors.put(task, reason);
			if (STATE.compareAndSet(this.state, task, current, TaskState.CANCELLED.code())) {
				return was;
			}
		}
	}

	/** The state of a task, read with acquire semantics. */
	public TaskState state(int task) {
		return TaskState.of((byte) STATE.getAcquire(this.state, task));
	}

	public long queuedNanos(int task) {
		return this.queued[task];
	}

	public long startNanos(int task) {
		return this.start[task];
	}

	public long endNanos(int task) {
		return this.end[task];
	}

	/** CPU nanoseconds, or -1 when not measurable (virtual threads, pure waits). */
	public long cpuNanos(int task) {
		return this.cpu[task];
	}

	public long result(int task) {
		return this.result[task];
	}

	public long threadId(int task) {
		return this.thread[task];
	}

	/**
	 * The thread's name, {@code virtual-<id>} for a virtual thread, or null if the task
	 * never ran.
	 */
	public String threadName(int task) {
		long id = this.thread[task];
		if (id == 0) {
			return null;
		}
		String name = this.platformThreadNames.get(id);
		return (name != null) ? name : "virtual-" + id;
	}

	/** Whether the task ran on a virtual thread; null if it never ran. */
	public Boolean virtual(int task) {
		long id = this.thread[task];
		return (id != 0) ? !this.platformThreadNames.containsKey(id) : null;
	}

	/** Gives this log the columns of the process modes. */
	void enableProcesses() {
		this.workerPid = new long[this.size];
		this.spawn = new long[this.size];
		Arrays.fill(this.spawn, -1);
		this.spawnCpu = new long[this.size];
		Arrays.fill(this.spawnCpu, -1);
	}

	/** Whether tasks run in worker processes. */
	public boolean processes() {
		return this.workerPid != null;
	}

	void worker(int task, long pid, long spawnNanos, long nanos) {
		this.workerPid[task] = pid;
		this.spawn[task] = spawnNanos;
		this.start[task] = nanos;
	}

	/** The process that ran the task: a worker's, or this service's. */
	public long pid(int task) {
		long[] pids = this.workerPid;
		return (pids != null && pids[task] != 0) ? pids[task] : this.servicePid;
	}

	/** The start-up cost of the worker the task paid for, or -1. */
	public long spawnNanos(int task) {
		long[] costs = this.spawn;
		return (costs != null) ? costs[task] : -1;
	}

	void spawnCpu(int task, long nanos) {
		this.spawnCpu[task] = nanos;
	}

	/** The start-up CPU time of the worker the task paid for, or -1. */
	public long spawnCpuNanos(int task) {
		long[] costs = this.spawnCpu;
		return (costs != null) ? costs[task] : -1;
	}

	public String error(int task) {
		return this.errors.get(task);
	}

}
