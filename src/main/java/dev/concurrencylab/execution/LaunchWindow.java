package dev.concurrencylab.execution;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Keeps at most {@code concurrency} non-blocking tasks in flight: starts that many, and
 * starts the next each time one completes. Completions may run on any thread, even
 * synchronously inside a launch, so launching is a drain loop guarded by a
 * work-in-progress counter (the pattern Reactor's operators use): exactly one thread
 * launches at a time, and a completion inside a launch never recurses.
 */
final class LaunchWindow {

	private final Execution execution;

	private final IntFunction<CompletionStage<Long>> work;

	/**
	 * Calls of {@link #drain()} not yet served; the thread that moved it from 0 drains.
	 */
	private final AtomicInteger wip = new AtomicInteger();

	/** Tasks launched and not yet completed. */
	private final AtomicInteger running = new AtomicInteger();

	/**
	 * Next task to launch; only touched by the draining thread (guarded by {@link #wip}).
	 */
	private int next;

	/**
	 * Tasks that may be launched: all in the closed model; in the open model those that
	 * have arrived, raised by {@link #releaseOnSchedule}.
	 */
	private volatile int arrived;

	LaunchWindow(Execution execution, IntFunction<CompletionStage<Long>> work) {
		this.execution = execution;
		this.work = work;
	}

	/** Launches the first tasks; later ones are launched as earlier ones complete. */
	void start() {
		this.arrived = this.execution.tasks();
		drain();
	}

	/**
	 * The open model: makes each task launchable at its arrival and asks {@code drainOn}
	 * to launch what the window allows; returns once every task has arrived or the
	 * experiment stops. Run by the thread that releases tasks.
	 * @throws InterruptedException when the experiment is cancelled
	 */
	void releaseOnSchedule(Executor drainOn) throws InterruptedException {
		for (int task = 0; task < this.execution.tasks(); task++) {
			if (!this.execution.arrive(task)) {
				return;
			}
			this.arrived = task + 1;
			drainOn.execute(this::drain);
		}
	}

	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (this.next < this.arrived && !this.execution.stopping()
					&& this.running.get() < this.execution.concurrency()) {
				launch(this.next++);
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void launch(int task) {
		if (!this.execution.begin(task)) {
			return;
		}
		this.running.incrementAndGet();
		CompletionStage<Long> stage;
		try {
			stage = this.work.apply(task);
		}
		catch (RuntimeException ex) {
			stage = CompletableFuture.failedFuture(ex);
		}
		stage.whenComplete((result, error) -> {
			if (error == null) {
				this.execution.succeeded(task, result);
			}
			else {
				this.execution.failed(task, error);
			}
			this.running.decrementAndGet();
			drain();
		});
	}

}
