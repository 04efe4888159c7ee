package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.BlockingWork;

/**
 * One virtual thread per task. When {@code concurrency} is below the task count a
 * semaphore holds the rest back before their threads exist, so a million queued tasks
 * cost no threads.
 */
@Component
@Order(3)
class VirtualThreadsRunner implements ModeRunner {

	@Override
	public String id() {
		return "virtual-threads";
	}

	@Override
	public String description() {
		return "One virtual thread per task; a blocked virtual thread frees its carrier, so waits are cheap.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http", "mixed", "db");
	}

	@Override
	public boolean waitsByBlocking() {
		return true;
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return tasks;
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return tasks;
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		Semaphore permits = (execution.concurrency() < execution.tasks()) ? new Semaphore(execution.concurrency())
				: null;
		BlockingWork work = execution.resources().blockingWork();
		ExecutorService perTask = Executors.newThreadPerTaskExecutor(execution.resources().threads().virtual());
		try {
			for (int task = 0; task < execution.tasks(); task++) {
				int index = task;
				if (!execution.arrive(index)) {
					break;
				}
				if (permits != null && !execution.acquire(permits)) {
					break;
				}
				perTask.execute(() -> {
					try {
						execution.runBlocking(index, work);
					}
					finally {
						if (permits != null) {
							permits.release();
						}
					}
				});
			}
			execution.awaitTasks();
		}
		finally {
			execution.resources().shutdown(perTask);
		}
	}

}
