package dev.concurrencylab.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.concurrencylab.workload.Phase;

/**
 * The timings of every task of one experiment, kept in primitive columns (51 bytes a
 * task, failures included, plus 4 to 12 for its phases) so that a million tasks cost
 * about 51 to 63 MB and no object per task.
 *
 * <p>
 * Concurrency, the claim-then-publish invariant: a task's state changes only by a
 * compare-and-set that <em>claims</em> it (PENDING to a transient STARTING or
 * ENDING_FROM_PENDING code, RUNNING to ENDING_FROM_RUNNING); only the thread whose claim
 * succeeded writes that step's fields (start and thread; or end, result and error code),
 * and it then publishes the next state (RUNNING, or the final one) with a release store.
 * Readers read the state with acquire semantics, so a reader that sees RUNNING sees the
 * task's start and thread, and a reader that sees a final state sees the end, result and
 * error the winner wrote; a loser writes nothing. The transient codes are never shown:
 * {@link #state} reports them as the state they were claimed from. The CPU, thread and
 * worker columns are written by the task's own thread while it runs, and so are the phase
 * columns (by whichever thread runs that part of the task: a task's parts never run at
 * once); a reader that sees the final state written by the thread that ended it, or that
 * ran after the mode's threads ended, sees them too. A reader of a running task may see
 * them a little behind.
 *
 * <p>
 * Phases: the waiting and computing columns exist only where the workload waits or
 * computes, the lock-wait column only where the mode has a lock
 * ({@link #enableLockWaits}), the pool-wait column only where tasks take connections from
 * a pool; at most {@value #MAX_PHASE_BYTES_PER_TASK} bytes a task. They hold microseconds
 * in an {@code int} (up to 35 minutes, past any deadline; a sum that would overflow stays
 * at the maximum), each addition rounded to the nearest microsecond.
 *
 * <p>
 * Errors are stored as a code per task into a bounded table of distinct messages
 * ({@link ErrorTable}), so a million failed tasks with the same message hold one string,
 * and a million with a million different messages hold at most {@value #MAX_MESSAGES}
 * plus a few fallbacks.
 */
public final class TaskLog {

	private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);

	/** Bytes held per task by the columns every log has. */
	static final int BYTES_PER_TASK = 6 * Long.BYTES + 1 + Short.BYTES;

	/** Bytes held per task by the process-mode columns: pid, spawn and spawn CPU. */
	static final int PROCESS_BYTES_PER_TASK = Integer.BYTES + 2 * Long.BYTES;

	/**
	 * Bytes per task of all the phase columns at most: waiting, computing, lock wait,
	 * pool wait.
	 */
	static final int MAX_PHASE_BYTES_PER_TASK = 4 * Integer.BYTES;

	/** Distinct error messages a log keeps; later new ones become a fallback. */
	static final int MAX_MESSAGES = 1024;

	/** Characters of one error message kept; the rest is cut. */
	static final int MAX_MESSAGE_LENGTH = 2000;

	/**
	 * Object headers, array headers and the empty maps of one log: an upper estimate.
	 */
	private static final int FIXED_BYTES = 1024;

	/** Claimed by {@link #start}; becomes RUNNING. Shown as PENDING. */
	private static final byte STARTING = (byte) TaskState.values().length;

	/** Claimed by {@link #cancel} from PENDING; becomes CANCELLED. Shown as PENDING. */
	private static final byte ENDING_FROM_PENDING = (byte) (STARTING + 1);

	/** Claimed by {@link #finish} or {@link #cancel} from RUNNING. Shown as RUNNING. */
	private static final byte ENDING_FROM_RUNNING = (byte) (STARTING + 2);

	private static final byte PENDING = TaskState.PENDING.code();

	private static final byte RUNNING = TaskState.RUNNING.code();

	final int size;

	/** Nanoseconds from the experiment's origin. */
	final long[] queued;

	final long[] start;

	final long[] end;

	/** CPU nanoseconds of the task's own thread, -1 when it cannot be measured. */
	final long[] cpu;

	final long[] result;

	/** {@link Thread#threadId()} of the thread that ran (or computed) the task. */
	final long[] thread;

	/** A {@link TaskState} code, or one of the transient claim codes above. */
	final byte[] state;

	/** The task's error as a code of {@link #errors}; 0 when it has none. */
	final short[] errorCode;

	final ErrorTable errors = new ErrorTable();

	/** Microseconds of {@link Phase#WAITING}; null when the workload never waits. */
	final int[] waiting;

	/**
	 * Microseconds of {@link Phase#COMPUTING}; null when the workload never computes.
	 */
	final int[] computing;

	/**
	 * Microseconds of {@link Phase#LOCK_WAIT}; null unless the mode has a lock. Set once
	 * before any task starts.
	 */
	volatile int[] lockWait;

	/**
	 * Microseconds of {@link Phase#POOL_WAIT}; null unless the tasks take connections
	 * from a pool.
	 */
	final int[] poolWait;

	/**
	 * What one task's computation costs on a core alone (the calibrated kernel cost), or
	 * -1: the estimate of its on-CPU time where the thread's CPU time cannot be measured.
	 * Set once before any task starts.
	 */
	volatile long cpuEstimateNanos = -1;

	/**
	 * Names of the platform threads seen; a virtual thread is named by its id. Entries
	 * are only added, and their bytes counted by whoever added them.
	 */
	final Map<Long, String> platformThreadNames = new ConcurrentHashMap<>();

	final AtomicLong platformThreadNameBytes = new AtomicLong();

	/**
	 * The service process the log was written in; kept when it is read back from the
	 * store.
	 */
	long servicePid = ProcessHandle.current().pid();

	/**
	 * The process modes' columns, null otherwise; set once before any task starts, so the
	 * tasks' threads see it.
	 */
	volatile ProcessColumns processes;

	/** A log of {@code size} tasks without phase columns. */
	TaskLog(int size) {
		this(size, false, false, false);
	}

	/**
	 * A log of {@code size} tasks, with the waiting and computing columns where the
	 * workload has those phases, and the pool-wait column where it takes connections from
	 * a pool.
	 */
	TaskLog(int size, boolean waits, boolean computes, boolean poolWaits) {
		this.size = size;
		this.poolWait = poolWaits ? new int[size] : null;
		this.waiting = waits ? new int[size] : null;
		this.computing = computes ? new int[size] : null;
		this.queued = new long[size];
		this.start = new long[size];
		this.end = new long[size];
		this.cpu = new long[size];
		this.result = new long[size];
		this.thread = new long[size];
		this.state = new byte[size];
		this.errorCode = new short[size];
		Arrays.fill(this.cpu, -1);
	}

	/** Number of tasks. */
	public int size() {
		return this.size;
	}

	/**
	 * Bytes this log holds, for the retention budget: every column, the error table, the
	 * platform thread names and the process columns.
	 */
	public long retainedBytes() {
		long columns = (long) this.size
				* (BYTES_PER_TASK + (processes() ? PROCESS_BYTES_PER_TASK : 0) + phaseBytesPerTask());
		return FIXED_BYTES + columns + this.errors.retainedBytes() + this.platformThreadNameBytes.get();
	}

	/** Bytes per task of the phase columns this log has. */
	int phaseBytesPerTask() {
		return Integer.BYTES * (((this.waiting != null) ? 1 : 0) + ((this.computing != null) ? 1 : 0)
				+ ((this.lockWait != null) ? 1 : 0) + ((this.poolWait != null) ? 1 : 0));
	}

	/** Gives this log the lock-wait column; called once, before any task. */
	void enableLockWaits() {
		if (this.lockWait == null) {
			this.lockWait = new int[this.size];
		}
	}

	/**
	 * Sets what one task's computation costs on a core alone, for the on-CPU estimate;
	 * called once, before any task.
	 */
	void cpuEstimate(long nanos) {
		this.cpuEstimateNanos = nanos;
	}

	/**
	 * Adds to a phase of a task; a phase the log has no column for is dropped (a wait of
	 * a workload that does not wait cannot happen).
	 */
	void addPhase(int task, Phase phase, long nanos) {
		int[] column = column(phase);
		if (column != null && nanos > 0) {
			long micros = column[task] + (nanos + 500) / 1000;
			column[task] = (int) Math.min(Integer.MAX_VALUE, micros);
		}
	}

	/** Whether this log has a column for {@code phase}. */
	public boolean hasPhase(Phase phase) {
		return column(phase) != null;
	}

	/**
	 * Nanoseconds the task spent in a phase (to the microsecond); 0 when it has none.
	 */
	public long phaseNanos(int task, Phase phase) {
		int[] column = column(phase);
		return (column != null) ? column[task] * 1000L : 0;
	}

	private int[] column(Phase phase) {
		return switch (phase) {
			case WAITING -> this.waiting;
			case COMPUTING -> this.computing;
			case LOCK_WAIT -> this.lockWait;
			case POOL_WAIT -> this.poolWait;
		};
	}

	/**
	 * The estimate of one task's on-CPU time where its thread's CPU time is not
	 * measurable (the calibrated kernel cost of its iterations), or -1 when there is
	 * none.
	 */
	public long cpuEstimateNanos() {
		return this.cpuEstimateNanos;
	}

	void queued(int task, long nanos) {
		this.queued[task] = nanos;
	}

	/** Moves a pending task to running; false if it was already stopped. */
	boolean start(int task, long nanos, Thread current) {
		rememberName(current);
		if (!STATE.compareAndSet(this.state, task, PENDING, STARTING)) {
			return false;
		}
		this.start[task] = nanos;
		this.thread[task] = current.threadId();
		STATE.setRelease(this.state, task, RUNNING);
		return true;
	}

	void onThread(int task, Thread current) {
		rememberName(current);
		this.thread[task] = current.threadId();
	}

	private void rememberName(Thread current) {
		if (!current.isVirtual()) {
			String name = current.getName();
			if (this.platformThreadNames.putIfAbsent(current.threadId(), name) == null) {
				this.platformThreadNameBytes.addAndGet(ErrorTable.MAP_ENTRY_BYTES + ErrorTable.stringBytes(name));
			}
		}
	}

	void addCpu(int task, long nanos) {
		long before = this.cpu[task];
		this.cpu[task] = (before < 0) ? nanos : before + nanos;
	}

	/**
	 * Finishes a running task; false, having written nothing, if something else finished
	 * or cancelled it first.
	 */
	boolean finish(int task, TaskState outcome, long nanos, long value, String error) {
		if (!outcome.isFinished()) {
			throw new IllegalArgumentException("not a final state: " + outcome);
		}
		if (!STATE.compareAndSet(this.state, task, RUNNING, ENDING_FROM_RUNNING)) {
			return false;
		}
		this.end[task] = nanos;
		this.result[task] = value;
		this.errorCode[task] = (error != null) ? this.errors.code(error) : 0;
		STATE.setRelease(this.state, task, outcome.code());
		return true;
	}

	void setCpu(int task, long nanos) {
		this.cpu[task] = nanos;
	}

	/**
	 * Cancels a task that has not finished; returns the state it had (PENDING or
	 * RUNNING), or null, having written nothing, when it had finished already or another
	 * thread is ending it.
	 */
	TaskState cancel(int task, long nanos, String reason) {
		while (true) {
			byte current = (byte) STATE.getAcquire(this.state, task);
			if (current == STARTING) {
				// The starter is between its claim and its publish (two plain writes):
				// wait for RUNNING, then cancel that.
				Thread.onSpinWait();
				continue;
			}
			if (current != PENDING && current != RUNNING) {
				return null;
			}
			boolean pending = current == PENDING;
			if (STATE.compareAndSet(this.state, task, current, pending ? ENDING_FROM_PENDING : ENDING_FROM_RUNNING)) {
				if (pending) {
					this.start[task] = nanos;
				}
				this.end[task] = nanos;
				this.errorCode[task] = (reason != null) ? this.errors.code(reason) : 0;
				STATE.setRelease(this.state, task, TaskState.CANCELLED.code());
				return TaskState.of(current);
			}
		}
	}

	/**
	 * Drops a task that has not started (open model: it waited too long); false, having
	 * written nothing, if it had started or ended.
	 */
	boolean drop(int task, long nanos, String reason) {
		if (!STATE.compareAndSet(this.state, task, PENDING, ENDING_FROM_PENDING)) {
			return false;
		}
		this.start[task] = nanos;
		this.end[task] = nanos;
		this.errorCode[task] = this.errors.code(reason);
		STATE.setRelease(this.state, task, TaskState.DROPPED.code());
		return true;
	}

	/**
	 * The state of a task, read with acquire semantics; a task being claimed shows the
	 * state it was claimed from.
	 */
	public TaskState state(int task) {
		byte code = (byte) STATE.getAcquire(this.state, task);
		if (code == STARTING || code == ENDING_FROM_PENDING) {
			return TaskState.PENDING;
		}
		if (code == ENDING_FROM_RUNNING) {
			return TaskState.RUNNING;
		}
		return TaskState.of(code);
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
		if (this.processes == null) {
			this.processes = new ProcessColumns(this.size);
		}
	}

	/** Whether tasks run in worker processes. */
	public boolean processes() {
		return this.processes != null;
	}

	void worker(int task, long pid, long spawnNanos, long nanos) {
		ProcessColumns columns = processColumns();
		columns.pid[task] = (int) pid;
		columns.spawn[task] = spawnNanos;
		this.start[task] = nanos;
	}

	/**
	 * Records the start-up CPU time of the worker whose start-up this task paid for, as
	 * the OS counted it.
	 */
	void spawnCpu(int task, long nanos) {
		processColumns().spawnCpu[task] = nanos;
	}

	private ProcessColumns processColumns() {
		ProcessColumns columns = this.processes;
		if (columns == null) {
			throw new IllegalStateException("this log has no process columns: call enableProcesses() first");
		}
		return columns;
	}

	/** The service process this log was written in. */
	public long servicePid() {
		return this.servicePid;
	}

	/** The process that ran the task: a worker's, or this service's. */
	public long pid(int task) {
		ProcessColumns columns = this.processes;
		int pid = (columns != null) ? columns.pid[task] : 0;
		return (pid != 0) ? Integer.toUnsignedLong(pid) : this.servicePid;
	}

	/** The start-up cost of the worker the task paid for, or -1. */
	public long spawnNanos(int task) {
		ProcessColumns columns = this.processes;
		return (columns != null) ? columns.spawn[task] : -1;
	}

	/** The start-up CPU time of the worker the task paid for, or -1. */
	public long spawnCpuNanos(int task) {
		ProcessColumns columns = this.processes;
		return (columns != null) ? columns.spawnCpu[task] : -1;
	}

	/** The task's error message, or null when it has none. */
	public String error(int task) {
		return this.errors.message(this.errorCode[task]);
	}

	/**
	 * The columns of the process modes: the worker pid (an int: pids are 32-bit on every
	 * platform the workers run on), its start-up wall time and CPU time when this task
	 * paid for it, else -1.
	 */
	static final class ProcessColumns {

		final int[] pid;

		final long[] spawn;

		final long[] spawnCpu;

		ProcessColumns(int size) {
			this.pid = new int[size];
			this.spawn = new long[size];
			this.spawnCpu = new long[size];
			Arrays.fill(this.spawn, -1);
			Arrays.fill(this.spawnCpu, -1);
		}

	}

	/**
	 * The distinct error messages of one log, each under a code from 1.
	 *
	 * <p>
	 * At most {@link #MAX_MESSAGES} messages are kept as given; a new message past that
	 * is recorded as a fallback naming its exception class (at most
	 * {@link #MAX_FALLBACKS} of those, then one generic fallback), so messages with
	 * per-task text (a pid, a task number) cannot grow the table without bound.
	 *
	 * <p>
	 * Concurrency: lookups of known messages are lock-free ({@link #codes} is
	 * concurrent); new codes are assigned under this object's lock, which writes the
	 * message into {@link #messages} and then republishes the array through the volatile
	 * field before the code is put in {@link #codes} or returned. A reader that learnt a
	 * code through a task's published state therefore sees its message.
	 */
	static final class ErrorTable {

		/**
		 * A map entry's cost besides its string: node, boxed key or value, table slot.
		 */
		static final int MAP_ENTRY_BYTES = 64;

		/** Fallbacks with an exception class name; past that, one generic fallback. */
		static final int MAX_FALLBACKS = 64;

		private static final String FALLBACK_SUFFIX = " (more than " + String.format(Locale.ROOT, "%,d", MAX_MESSAGES)
				+ " distinct error messages in this run; this one was not kept)";

		private final Map<String, Short> codes = new ConcurrentHashMap<>();

		/**
		 * Message by code; index 0 is unused. Replaced and republished under the lock.
		 */
		private volatile String[] messages = new String[16];

		/** Codes handed out, fallbacks included; written under the lock. */
		private volatile int assigned;

		/** Messages kept as given; written under the lock. */
		private volatile int kept;

		private int fallbacks;

		private volatile long bytes;

		short code(String message) {
			String text = cut(message);
			Short known = this.codes.get(text);
			if (known != null) {
				return known;
			}
			if (this.kept >= MAX_MESSAGES) {
				// Past the bound: look the fallback up without the lock.
				known = this.codes.get(fallback(text));
				if (known != null) {
					return known;
				}
			}
			return add(text);
		}

		private synchronized short add(String text) {
			Short known = this.codes.get(text);
			if (known != null) {
				return known;
			}
			if (this.kept < MAX_MESSAGES) {
				this.kept++;
				return insert(text);
			}
			String fallback = fallback(text);
			known = this.codes.get(fallback);
			if (known != null) {
				return known;
			}
			if (this.fallbacks < MAX_FALLBACKS) {
				this.fallbacks++;
				return insert(fallback);
			}
			String generic = fallback("");
			known = this.codes.get(generic);
			return (known != null) ? known : insert(generic);
		}

		/** Called under the lock with a message not in the table yet. */
		private short insert(String text) {
			short code = (short) (this.assigned + 1);
			String[] table = this.messages;
			if (code >= table.length) {
				table = Arrays.copyOf(table, table.length * 2);
			}
			table[code] = text;
			this.messages = table;
			this.assigned = code;
			this.bytes += MAP_ENTRY_BYTES + stringBytes(text);
			this.codes.put(text, code);
			return code;
		}

		/**
		 * Puts back the message that had the next code, as a stored log is read: codes
		 * come back in the order they were given.
		 */
		synchronized short restore(String text) {
			this.kept++;
			return insert(text);
		}

		String message(short code) {
			return (code != 0) ? this.messages[code] : null;
		}

		/** Bytes of the messages kept, their map entries and the message array. */
		long retainedBytes() {
			return this.bytes + (long) this.messages.length * Integer.BYTES;
		}

		/** Distinct messages held, fallbacks included. */
		int size() {
			return this.assigned;
		}

		static String fallback(String message) {
			return errorKind(message) + FALLBACK_SUFFIX;
		}

		/**
		 * The exception class a message starts with, as {@code Execution} describes
		 * errors ({@code Kind: message}), or "An error" when there is none.
		 */
		private static String errorKind(String message) {
			int colon = message.indexOf(':');
			String kind = (colon > 0) ? message.substring(0, colon) : message;
			if (kind.isEmpty() || kind.length() > 100 || !Character.isJavaIdentifierStart(kind.charAt(0))) {
				return "An error";
			}
			for (int i = 1; i < kind.length(); i++) {
				char c = kind.charAt(i);
				if (!Character.isJavaIdentifierPart(c) && c != '.') {
					return "An error";
				}
			}
			return kind;
		}

		private static String cut(String message) {
			if (message.length() <= MAX_MESSAGE_LENGTH) {
				return message;
			}
			int end = MAX_MESSAGE_LENGTH;
			if (Character.isHighSurrogate(message.charAt(end - 1))) {
				end--;
			}
			return message.substring(0, end) + "… (" + (message.length() - end) + " more characters not kept)";
		}

		/**
		 * A string's heap size: the String object and its byte array, one byte a char
		 * when every char is Latin-1, else two.
		 */
		static long stringBytes(String text) {
			boolean latin1 = text.chars().allMatch((c) -> c <= 0xFF);
			long array = 16 + (long) text.length() * (latin1 ? 1 : 2);
			return 24 + ((array + 7) & ~7L);
		}

	}

}
