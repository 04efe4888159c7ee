package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.BlockingWork;

/**
 * A dedicated {@link ForkJoinPool} of parallelism {@code concurrency}; the task range is
 * split in halves until single tasks remain, and idle workers steal halves from busy
 * ones.
 */
@Component
@Order(4)
class ForkJoinRunner implements ModeRunner {

	@Override
	public String id() {
		return "fork-join";
	}

	@Override
	public String description() {
		return "A dedicated ForkJoinPool: the task range is split recursively and idle workers steal work; "
				+ "made for computation, waits block its few workers.";
	}

	@Override
	public List<String> suits() {
		return List.of("cpu");
	}

	@Override
	public boolean waitsByBlocking() {
		return true;
	}

	/** It splits the range of tasks known from the start: none arrive later. */
	@Override
	public boolean acceptsArrivals() {
		return false;
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return cores;
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return limits.maxThreads();
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		ForkJoinPool pool = execution.resources()
			.monitored(new ForkJoinPool(execution.concurrency(),
					execution.resources().threads().forkJoin(execution.resources().threadName("forkjoin")), null,
					false), "forkjoin");
		BlockingWork work = execution.resources().blockingWork();
		try {
			pool.execute(new Split(execution, work, 0, execution.tasks()));
			execution.awaitTasks();
		}
		finally {
			execution.resources().shutdown(pool);
		}
	}

	/** Runs the tasks {@code [from, to)}: one directly, more by forking two halves. */
	private static final class Split extends RecursiveAction {

		private final transient Execution execution;

		private final transient BlockingWork work;

		private final int from;

		private final int to;

		Split(Execution execution, BlockingWork work, int from, int to) {
			this.execution = execution;
			this.work = work;
			this.from = from;
			this.to = to;
		}

		@Override
		protected void compute() {
			if (this.to - this.from == 1) {
				this.execution.runBlocking(this.from, this.work);
				return;
			}
			int middle = (this.from + this.to) >>> 1;
			invokeAll(new Split(this.execution, this.work, this.from, middle),
					new Split(this.execution, this.work, middle, this.to));
		}

	}

}
