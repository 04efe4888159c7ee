package dev.concurrencylab.execution;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * Makes every thread an experiment uses, names it, and counts the ones alive, so that a
 * test (or a gauge) can prove that no lab thread outlives its experiment. Virtual threads
 * stay unnamed, as the JDK intends, and are reported as {@code virtual-<id>}.
 */
@Component
public class LabThreads {

	/** Lab threads whose run method has not returned yet. */
	private final AtomicInteger live = new AtomicInteger();

	/** Named platform threads: {@code prefix1}, {@code prefix2}, … */
	public ThreadFactory platform(String prefix) {
		return counted(Thread.ofPlatform().name(prefix, 1).factory());
	}

	/** One named platform thread, not started yet. */
	public Thread platformThread(String name, Runnable task) {
		return counted(Thread.ofPlatform().name(name).factory()).newThread(task);
	}

	/** Unnamed virtual threads. */
	public ThreadFactory virtual() {
		return counted(Thread.ofVirtual().factory());
	}

	/** Named fork-join worker threads. */
	public ForkJoinPool.ForkJoinWorkerThreadFactory forkJoin(String prefix) {
		AtomicInteger next = new AtomicInteger();
		return (pool) -> {
			ForkJoinWorkerThread thread = new CountedForkJoinWorkerThread(pool);
			thread.setName(prefix + next.incrementAndGet());
			return thread;
		};
	}

	/** Lab threads alive now, across all experiments. */
	public int live() {
		return this.live.get();
	}

	private ThreadFactory counted(ThreadFactory factory) {
		return (task) -> {
			Thread thread = factory.newThread(() -> {
				try {
					task.run();
				}
				finally {
					this.live.decrementAndGet();
				}
			});
			// Counted on creation: a factory's thread is always started by its executor.
			this.live.incrementAndGet();
			return thread;
		};
	}

	private final class CountedForkJoinWorkerThread extends ForkJoinWorkerThread {

		CountedForkJoinWorkerThread(ForkJoinPool pool) {
			super(null, pool, true);
		}

		@Override
		protected void onStart() {
			LabThreads.this.live.incrementAndGet();
			super.onStart();
		}

		@Override
		protected void onTermination(Throwable exception) {
			super.onTermination(exception);
			LabThreads.this.live.decrementAndGet();
		}

	}

}
