package dev.concurrencylab.execution;

import java.util.concurrent.ExecutorService;

import dev.concurrencylab.workload.BlockingWork;

/** Runs every task of an execution as one blocking job on an executor the caller made. */
final class ExecutorRuns {

	private ExecutorRuns() {
	}

	/**
	 * Submits every task, waits for them (or the deadline, or cancellation), and always
	 * shuts the executor down before returning: it owns {@code executor} from here on.
	 */
	static void runAll(Execution execution, ExecutorService executor, BlockingWork work) throws InterruptedException {
		try {
			for (int task = 0; task < execution.tasks(); task++) {
				int index = task;
				// Open model: waits for the task's arrival; its backlog is the executor's
				// queue.
				if (!execution.arrive(index)) {
					break;
				}
				executor.execute(() -> execution.runBlocking(index, work));
			}
			execution.awaitTasks();
		}
		finally {
			execution.resources().shutdown(executor);
		}
	}

}
