package dev.concurrencylab.execution;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.concurrencylab.workload.BlockingWork;
import dev.concurrencylab.workload.DbPool;
import dev.concurrencylab.workload.FileFolder;
import dev.concurrencylab.workload.DelayClient;

/**
 * What a mode runs one experiment's tasks with: named threads, the executors it makes
 * (shown to the metrics), the HTTP client of the delay endpoint, the {@code db}
 * workload's pool, and the one way to stop those executors and wait for their threads.
 * Safe from any thread; the pool is set once, before the run.
 */
public final class ModeResources {

	private static final Logger logger = LoggerFactory.getLogger(ModeResources.class);

	/** How long stopping waits for a mode's threads to end before it reports them. */
	private static final Duration STOP_GRACE = Duration.ofSeconds(10);

	private final String threadPrefix;

	private final LabThreads threads;

	private final DelayClient http;

	private final TaskObserver observer;

	/** The {@code db} workload's pool, owned by whoever set it; null otherwise. */
	private volatile DbPool database;

	/** The {@code file} workload's folder, owned by whoever set it; null otherwise. */
	private volatile FileFolder files;

	/** Asynchronous HTTP calls not yet answered, cancelled when the mode stops. */
	private final Set<CompletableFuture<Long>> calls = ConcurrentHashMap.newKeySet();

	ModeResources(String threadPrefix, LabThreads threads, DelayClient http, TaskObserver observer) {
		this.threadPrefix = threadPrefix;
		this.threads = threads;
		this.http = http;
		this.observer = observer;
	}

	public LabThreads threads() {
		return this.threads;
	}

	/**
	 * Calls the delay endpoint without blocking, with this experiment's HTTP client; a
	 * call still waiting when the mode stops ({@link #shutdown}) is cancelled, which
	 * closes its connection: no request outlives its run.
	 */
	public CompletableFuture<Long> delayCallAsync(long millis) {
		if (this.http == null) {
			return CompletableFuture
				.failedFuture(new IllegalStateException("this execution has no HTTP client for the delay endpoint"));
		}
		CompletableFuture<Long> call = this.http.getAsync(millis);
		this.calls.add(call);
		call.whenComplete((delay, failure) -> this.calls.remove(call));
		return call;
	}

	/** Asynchronous HTTP calls still waiting for their answer. */
	int callsInFlight() {
		return this.calls.size();
	}

	/** Blocking work with this experiment's HTTP client and pool. */
	public BlockingWork blockingWork() {
		return new BlockingWork(delayCall(), dbQuery(), this.files);
	}

	void files(FileFolder folder) {
		this.files = folder;
	}

	/** The {@code file} workload's folder, or null. */
	public FileFolder files() {
		return this.files;
	}

	void database(DbPool pool) {
		this.database = pool;
	}

	/** The {@code db} workload's pool; fails when this execution has none. */
	public DbPool database() {
		DbPool pool = this.database;
		if (pool == null) {
			throw new IllegalStateException("this execution has no database pool for the db workload");
		}
		return pool;
	}

	/** A query through this experiment's pool. */
	public BlockingWork.DbQuery dbQuery() {
		return (task, millis, askedAtNanos, phases) -> database().query(task, millis, askedAtNanos, phases);
	}

	/** A blocking call to the delay endpoint with this experiment's HTTP client. */
	public BlockingWork.DelayCall delayCall() {
		DelayClient client = this.http;
		return (millis) -> {
			if (client == null) {
				throw new IllegalStateException("this execution has no HTTP client for the delay endpoint");
			}
			return client.get(millis);
		};
	}

	/** Shows an executor the mode made to the observer (its metrics); returns it. */
	public <E extends ExecutorService> E monitored(E executor, String role) {
		this.observer.executor(executor, role);
		return executor;
	}

	/** A platform thread factory named {@code lab-e<n>-<role>-<i>}. */
	public ThreadFactory platformThreads(String role) {
		return this.threads.platform(threadName(role));
	}

	/**
	 * The name prefix for this experiment's threads of one role, e.g.
	 * {@code lab-e3-platform-}.
	 */
	public String threadName(String role) {
		return this.threadPrefix + role + "-";
	}

	/**
	 * Stops a mode's executors and cancels its HTTP calls still waiting: queued tasks are
	 * dropped, running ones interrupted, and the call waits for their threads to end.
	 * Interrupts that arrive while waiting are remembered and restored, so an owner can
	 * never leave threads behind.
	 */
	public void shutdown(ExecutorService... executors) {
		// The run is over: what its HTTP calls would answer is no task's any more.
		for (CompletableFuture<Long> call : List.copyOf(this.calls)) {
			call.cancel(true);
		}
		DbPool pool = this.database;
		if (pool != null) {
			// Before the interrupts, which do not end a query on the server.
			pool.stop();
		}
		for (ExecutorService executor : executors) {
			executor.shutdownNow();
		}
		if (pool != null) {
			pool.cancelUntilEnded();
		}
		boolean interrupted = false;
		for (ExecutorService executor : executors) {
			while (true) {
				try {
					if (!executor.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
						logger.warn("{} threads of {} did not end within {}", this.threadPrefix, executor, STOP_GRACE);
					}
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
