package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.worker.WorkerException;
import dev.concurrencylab.worker.WorkerLauncher;
import dev.concurrencylab.worker.WorkerProcess;

/**
 * {@code concurrency} long-lived worker processes of this experiment, fed tasks one at a
 * time over their stdin/stdout; each is driven by one thread that takes the next task
 * from a shared counter. A worker that dies or answers garbage fails only its task and is
 * replaced. The workers are started with the experiment and ended with it (no pool is
 * shared between experiments), so their start-up cost is in the wall time and reported on
 * the first task each one ran.
 */
@Component
@Order(8)
class ProcessPoolRunner implements WorkerModeRunner {

	private final WorkerLauncher launcher;

	ProcessPoolRunner(WorkerLauncher launcher) {
		this.launcher = launcher;
	}

	@Override
	public String id() {
		return "process-pool";
	}

	@Override
	public String description() {
		return "A pool of `concurrency` long-lived worker processes fed tasks over stdin/stdout, like "
				+ "multiprocessing.Pool: parallel computation, start-up paid once per worker.";
	}

	@Override
	public List<String> suits() {
		return List.of("cpu", "mixed");
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
		int size = Math.min(execution.concurrency(), execution.tasks());
		ExecutorService drivers = Executors.newFixedThreadPool(size,
				execution.resources().platformThreads("pool-driver"));
		execution.resources().monitored(drivers, "pool-driver");
		AtomicInteger next = new AtomicInteger();
		try {
			for (int driver = 0; driver < size; driver++) {
				drivers.execute(() -> drive(execution, workers, next));
			}
			if (execution.open()) {
				// Open model: this thread releases the tasks; each driver waits for the
				// arrival of the task it took.
				for (int task = 0; task < execution.tasks() && execution.arrive(task); task++) {
					// released
				}
			}
			execution.awaitTasks();
		}
		finally {
			workers.stop(drivers);
		}
	}

	/**
	 * Runs tasks on one worker until none are left, replacing the worker if it is lost (a
	 * lost worker has already been killed).
	 */
	private void drive(Execution execution, WorkerTasks workers, AtomicInteger next) {
		WorkerProcess worker = null;
		try {
			int task;
			while ((task = next.getAndIncrement()) < execution.tasks()) {
				if (!execution.awaitArrived(task)) {
					return;
				}
				if (!execution.begin(task)) {
					continue;
				}
				try {
					long spawn = -1;
					if (worker == null) {
						worker = workers.launch(task);
						if (worker == null) {
							return;
						}
						spawn = worker.spawnNanos();
					}
					workers.run(task, worker, spawn);
				}
				catch (WorkerException ex) {
					execution.failed(task, ex);
					if (ex.workerLost()) {
						worker = null;
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (worker != null) {
				worker.requestExit();
			}
		}
	}

}
