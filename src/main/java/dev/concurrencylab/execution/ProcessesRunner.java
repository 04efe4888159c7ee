package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.worker.WorkerException;
import dev.concurrencylab.worker.WorkerLauncher;
import dev.concurrencylab.worker.WorkerProcess;

/**
 * One fresh worker process (a JVM started with ProcessBuilder) per task, at most
 * {@code concurrency} alive at once; each task reports the worker's pid and its start-up
 * cost apart from the work.
 */
@Component
@Order(7)
class ProcessesRunner implements WorkerModeRunner {

	private final WorkerLauncher launcher;

	ProcessesRunner(WorkerLauncher launcher) {
		this.launcher = launcher;
	}

	@Override
	public String id() {
		return "processes";
	}

	@Override
	public String description() {
		return "One fresh worker process (a JVM started with ProcessBuilder) per task, `concurrency` alive at once; "
				+ "true parallelism for computation, paid for with a start-up cost per task (spawnMillis).";
	}

	@Override
	public List<String> suits() {
		return List.of("cpu");
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return cores;
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return limits.maxProcessesPerCore() * cores;
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		WorkerTasks workers = new WorkerTasks(execution, this.launcher);
		ExecutorService drivers = Executors.newFixedThreadPool(Math.min(execution.concurrency(), execution.tasks()),
				execution.resources().platformThreads("process-driver"));
		execution.resources().monitored(drivers, "process-driver");
		try {
			for (int task = 0; task < execution.tasks(); task++) {
				int index = task;
				// Open model: waits for the task's arrival; the backlog is the drivers'
				// queue.
				if (!execution.arrive(index)) {
					break;
				}
				drivers.execute(() -> runInFreshWorker(execution, workers, index));
			}
			execution.awaitTasks();
		}
		finally {
			workers.stop(drivers);
		}
	}

	private void runInFreshWorker(Execution execution, WorkerTasks workers, int task) {
		if (!execution.begin(task)) {
			return;
		}
		WorkerProcess worker = null;
		try {
			worker = workers.launch(task);
			if (worker != null) {
				workers.run(task, worker, worker.spawnNanos());
			}
		}
		catch (WorkerException ex) {
			execution.failed(task, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			execution.failed(task, ex);
		}
		finally {
			if (worker != null) {
				// Exits in the background, so this driver can start the next task's
				// worker meanwhile; the run's end waits for it.
				worker.requestExit();
			}
		}
	}

}
