package dev.concurrencylab.workload;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A task's work done by blocking the calling thread: waits sleep, HTTP calls block on the
 * answer. Used by the blocking modes and by worker processes alike; a mode that changes
 * how computing or waiting behaves (the GIL model) overrides one method. Each wait and
 * each computation is timed and added to the task's {@link Phase}s, also when it ends
 * with an exception.
 */
public class BlockingWork {

	/** A blocking call to the delay endpoint, answering the delay it reports. */
	@FunctionalInterface
	public interface DelayCall {

		long get(long millis) throws Exception;

	}

	/** One query of the {@code db} workload through the experiment's pool. */
	@FunctionalInterface
	public interface DbQuery {

		/**
		 * Waits for a connection (counted from {@code askedAtNanos}), runs the query and
		 * answers the session that ran it.
		 */
		long query(int task, long millis, long askedAtNanos, PhaseSink phases) throws Exception;

	}

	/** Where there is no pool: worker processes, which take no {@code db} workload. */
	private static final DbQuery NO_DATABASE = (task, millis, askedAtNanos, phases) -> {
		throw new IllegalStateException("the db workload runs only in this service's own threads");
	};

	private final DelayCall http;

	private final DbQuery db;

	/** The experiment's folder for the {@code file} workload; null when it has none. */
	private final FileFolder files;

	/**
	 * The locks of a {@link LockWorkload}, one of each kind, shared by every task of the
	 * run this object serves (each run makes its own).
	 */
	private final Object monitor = new Object();

	private final ReentrantLock unfair = new ReentrantLock(false);

	private final ReentrantLock fair = new ReentrantLock(true);

	/** Tasks that held the lock so far: a task's turn; written under the lock. */
	private long turns;

	/** Tasks holding the lock now: 0 or 1, checked under the lock. */
	private int holders;

	/** Work without a database: a worker process's. */
	public BlockingWork(DelayCall http) {
		this(http, NO_DATABASE);
	}

	public BlockingWork(DelayCall http, DbQuery db) {
		this(http, db, null);
	}

	/**
	 * Work with the experiment's HTTP client, its pool ({@code null}: none, as in a
	 * worker process) and its folder ({@code null}: none).
	 */
	public BlockingWork(DelayCall http, DbQuery db, FileFolder files) {
		this.http = http;
		this.db = (db != null) ? db : NO_DATABASE;
		this.files = files;
	}

	/**
	 * Does one task's work, adding its phases to {@code phases}, and returns its result.
	 */
	public long run(int task, Workload workload, PhaseSink phases) throws Exception {
		return switch (workload) {
			case SleepWorkload sleep -> {
				for (int step = 0; step < sleep.steps(); step++) {
					if (sleep.in() == SleepWorkload.Place.CLASS_INITIALIZER) {
						waitInClassInitializer(task, sleep.millis(), phases);
					}
					else {
						waitFor(task, sleep.millis(), phases);
					}
				}
				yield sleep.steps();
			}
			case CpuWorkload cpu -> compute(task, cpu.iterations(), phases);
			case MixedWorkload mixed -> {
				long result = compute(task, mixed.iterations(), phases);
				waitFor(task, mixed.millis(), phases);
				yield result;
			}
			case LockWorkload lock -> holdLock(task, lock, phases);
			case DbWorkload query -> this.db.query(task, query.millis(), phases.nanoTime(), phases);
			case FileWorkload file -> files().run(task, file, phases);
			case HttpWorkload call -> call(task, call.millis(), phases);
			case StepsWorkload steps -> runSteps(task, steps, phases);
		};
	}

	/** Calls the delay endpoint; the time until the answer is the task's wait. */
	private long call(int task, long millis, PhaseSink phases) throws Exception {
		long before = phases.nanoTime();
		try {
			return this.http.get(millis);
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

	/** A request's profile: its steps in order; answers how many were done. */
	private long runSteps(int task, StepsWorkload steps, PhaseSink phases) throws Exception {
		for (StepsWorkload.Step step : steps.steps()) {
			switch (step.kind()) {
				case WAIT -> waitFor(task, step.amount(), phases);
				case CPU -> compute(task, step.amount(), phases);
				case HTTP -> call(task, step.amount(), phases);
				case DB -> this.db.query(task, step.amount(), phases.nanoTime(), phases);
				case LOCK -> holdFor(task, step.amount(), phases);
				case FILE -> files().read(task, step.amount(), phases);
			}
		}
		return steps.steps().size();
	}

	/**
	 * A {@code lock} step: takes the run's unfair lock (the time it takes is the task's
	 * lock wait) and holds it while waiting {@code millis}.
	 */
	private void holdFor(int task, long millis, PhaseSink phases) throws InterruptedException {
		long asked = phases.nanoTime();
		this.unfair.lockInterruptibly();
		try {
			phases.add(task, Phase.LOCK_WAIT, phases.nanoTime() - asked);
			waitFor(task, millis, phases);
		}
		finally {
			this.unfair.unlock();
		}
	}

	private FileFolder files() {
		if (this.files == null) {
			throw new IllegalStateException("this run has no folder for the file workload");
		}
		return this.files;
	}

	/**
	 * Takes the run's lock (the time it takes is the task's lock wait), holds it for the
	 * workload's wait and computation, and answers its turn. A monitor cannot be waited
	 * for interruptibly: a cancelled task still waiting for one gives up only once it has
	 * it.
	 */
	private long holdLock(int task, LockWorkload lock, PhaseSink phases) throws InterruptedException {
		long asked = phases.nanoTime();
		if (lock.lock() == LockWorkload.Kind.SYNCHRONIZED) {
			synchronized (this.monitor) {
				phases.add(task, Phase.LOCK_WAIT, phases.nanoTime() - asked);
				return whileHolding(task, lock, phases);
			}
		}
		ReentrantLock shared = (lock.lock() == LockWorkload.Kind.FAIR) ? this.fair : this.unfair;
		shared.lockInterruptibly();
		try {
			phases.add(task, Phase.LOCK_WAIT, phases.nanoTime() - asked);
			return whileHolding(task, lock, phases);
		}
		finally {
			shared.unlock();
		}
	}

	/** Called with the lock held. */
	private long whileHolding(int task, LockWorkload lock, PhaseSink phases) throws InterruptedException {
		if (++this.holders != 1) {
			this.holders--;
			throw new IllegalStateException("two tasks held the lock at once");
		}
		try {
			if (Thread.interrupted()) {
				throw new InterruptedException("cancelled while waiting for the lock");
			}
			if (lock.holdMillis() > 0) {
				waitFor(task, lock.holdMillis(), phases);
			}
			if (lock.iterations() > 0) {
				compute(task, lock.iterations(), phases);
			}
			return this.turns++;
		}
		finally {
			this.holders--;
		}
	}

	/** Computes the kernel on this thread. */
	protected long compute(int task, long iterations, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			return CpuKernel.compute(iterations);
		}
		finally {
			phases.add(task, Phase.COMPUTING, phases.nanoTime() - before);
		}
	}

	/** Waits inside a class initializer, which pins a virtual thread to its carrier. */
	private static void waitInClassInitializer(int task, long millis, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			ClassInitializerWait.sleepInsideClassInitializer(millis);
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

	/** Waits by blocking this thread. */
	protected void waitFor(int task, long millis, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			Thread.sleep(millis);
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

}
