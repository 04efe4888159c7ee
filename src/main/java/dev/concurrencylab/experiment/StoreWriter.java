package dev.concurrencylab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes experiments to the store behind their runs and answers, on one thread of its own
 * ({@code store-writer}), in the order they were asked for, a batch at a time in one
 * transaction: a tiny experiment's request does no database work (measured: the writes on
 * its path made it 2 to 3 ms slower, and under 64 connections H2 took one commit at a
 * time). The service stops it last, after every experiment has ended, and it finishes
 * what it was given first.
 */
@Component
public class StoreWriter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StoreWriter.class);

	/** Most writes in one transaction. */
	static final int BATCH = 64;

	/** Longest a read waits for the writes queued before it. */
	private static final long AWAIT_SECONDS = 10;

	/** Longest the writer may take at shutdown to write what it was given. */
	private static final long DRAIN_SECONDS = 30;

	private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();

	private final TransactionTemplate transaction;

	private final AtomicInteger waitingReads = new AtomicInteger();

	private volatile Thread thread;

	private volatile boolean stopping;

	StoreWriter(PlatformTransactionManager transactions) {
		this.transaction = new TransactionTemplate(transactions);
	}

	private record Write(String what, Runnable work, CompletableFuture<Void> done) {
	}

	/**
	 * Queues a write; the future completes once it was written (or failed, which is
	 * logged: a store that fails loses the write, never the run).
	 */
	CompletableFuture<Void> submit(String what, Runnable work) {
		Write write = new Write(what, work, new CompletableFuture<>());
		this.queue.add(write);
		if (this.thread == null) {
			// Not started (a test's own service) or stopped, maybe after its last drain:
			// written here, in order after what was queued before.
			runLeft();
		}
		return write.done();
	}

	/**
	 * Waits until every write queued before this call has landed (or failed), for at most
	 * {@value #AWAIT_SECONDS} s: a read of the store that follows sees every experiment
	 * this replica answered before it, as it answered it. The writes go in order, so a
	 * write of nothing queued now lands after them.
	 */
	public void awaitQueued() {
		if (this.thread == null) {
			return;
		}
		this.waitingReads.incrementAndGet();
		try {
			submit("nothing (a read waits for the writes before it)", () -> {
			}).get(AWAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// The store is slow or failing: the read answers what it has.
			logger.debug("Reading the store before the writes queued before it landed", ex);
		}
		finally {
			this.waitingReads.decrementAndGet();
		}
	}

	/** Writes queued now, not yet taken by the writer. */
	int queued() {
		return this.queue.size();
	}

	/** Reads waiting in {@link #awaitQueued()} now. */
	int waitingReads() {
		return this.waitingReads.get();
	}

	private void loop() {
		List<Write> batch = new ArrayList<>(BATCH);
		while (true) {
			try {
				Write first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					if (this.stopping) {
						return;
					}
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, BATCH - 1);
				run(batch);
				batch.clear();
			}
			catch (InterruptedException ex) {
				if (this.stopping) {
					return;
				}
			}
		}
	}

	/** One transaction for the batch; when it fails, each write in one of its own. */
	private void run(List<Write> batch) {
		try {
			this.transaction.executeWithoutResult((status) -> batch.forEach((write) -> write.work().run()));
			batch.forEach((write) -> write.done().complete(null));
			return;
		}
		catch (RuntimeException | Error ex) {
			// An Error too (no memory for a huge log): the writer must outlive it.
			if (batch.size() == 1) {
				fail(batch.get(0), ex);
				return;
			}
		}
		for (Write write : batch) {
			try {
				this.transaction.executeWithoutResult((status) -> write.work().run());
				write.done().complete(null);
			}
			catch (RuntimeException | Error ex) {
				fail(write, ex);
			}
		}
	}

	private static void fail(Write write, Throwable ex) {
		logger.error("The store could not write {}", write.what(), ex);
		write.done().complete(null);
	}

	@Override
	public synchronized void start() {
		if (this.thread == null) {
			this.stopping = false;
			this.thread = Thread.ofPlatform().name("store-writer").daemon().start(this::loop);
		}
	}

	/** Writes what it was given, then ends. */
	@Override
	public synchronized void stop() {
		Thread writer = this.thread;
		if (writer == null) {
			return;
		}
		this.stopping = true;
		try {
			if (!writer.join(java.time.Duration.ofSeconds(DRAIN_SECONDS))) {
				logger.warn("The store writer had not written everything within {} s", DRAIN_SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread = null;
		runLeft();
	}

	/** Writes here, in order, what the writer left (it did not finish in time). */
	private synchronized void runLeft() {
		List<Write> left = new ArrayList<>();
		this.queue.drainTo(left);
		if (!left.isEmpty()) {
			run(left);
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread != null;
	}

	/**
	 * Stops after the experiments (which may still give it writes) and the web server.
	 */
	@Override
	public int getPhase() {
		return 0;
	}

}
