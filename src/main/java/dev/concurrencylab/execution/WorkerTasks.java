package dev.concurrencylab.execution;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

import dev.concurrencylab.worker.WorkerException;
import dev.concurrencylab.worker.WorkerLauncher;
import dev.concurrencylab.worker.WorkerProcess;

/**
 * The worker processes of one run of a process mode: launches them through the
 * {@link WorkerLauncher} (which caps them across experiments), runs tasks on them, and
 * kills every one still alive when the run stops, so a blocked driver's read ends.
 */
final class WorkerTasks {

	private final Execution execution;

	private final WorkerLauncher launcher;

	private final ThreadFactory stderrThreads;

	private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();

	WorkerTasks(Execution execution, WorkerLauncher launcher) {
		this.execution = execution;
		this.launcher = launcher;
		this.stderrThreads = execution.platformThreads("worker-stderr");
		execution.enableProcesses();
	}

	/**
	 * Launches a worker for this run; null, with the task cancelled, if the run stopped
	 * meanwhile.
	 */
	WorkerProcess launch(int task) throws InterruptedException, WorkerException {
		WorkerProcess worker = this.launcher.launch(this.stderrThreads, System::nanoTime);
		this.live.add(worker);
		// A stop that came while launching already killed the others; this one too.
		if (this.execution.stopping()) {
			close(worker);
			this.execution.failed(task, new InterruptedException("stopped"));
			return null;
		}
		return worker;
	}

	/**
	 * Runs a begun task on a worker and records its outcome.
	 * @param spawnNanos the worker's start-up cost if this task paid for it, else -1
	 * @throws WorkerException when the worker is lost (the task is already recorded
	 * failed)
	 */
	void run(int task, WorkerProcess worker, long spawnNanos) throws WorkerException {
		this.execution.onWorker(task, worker.pid(), spawnNanos);
		var reply = worker.run(task, this.execution.workload());
		if (reply.succeeded()) {
			this.execution.addCpu(task, reply.cpuNanos());
			this.execution.succeeded(task, reply.result());
		}
		else {
			this.execution.failed(task, new WorkerException.TaskFailed(reply.error()));
		}
	}

	/** Asks a worker to exit and reaps it. */
	void close(WorkerProcess worker) {
		worker.close();
		this.live.remove(worker);
	}

	/** Kills every worker of this run, then reaps them. */
	void killAll() {
		for (WorkerProcess worker : this.live) {
			worker.kill();
		}
		for (WorkerProcess worker : Set.copyOf(this.live)) {
			close(worker);
		}
	}

}
