package dev.concurrencylab.execution;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
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
		this.stderrThreads = execution.resources().platformThreads("worker-stderr");
		execution.enableProcesses();
	}

	/**
	 * Launches a worker for this run; null, with the task cancelled, if the run stopped
	 * meanwhile.
	 */
	WorkerProcess launch(int task) throws InterruptedException, WorkerException {
		WorkerProcess worker = this.launcher.launch(this.stderrThreads, System::nanoTime);
		this.live.add(worker);
		worker.onExit(() -> this.live.remove(worker));
		// A stop that came while launching already killed the others; this one too.
		if (this.execution.stopping()) {
			worker.kill();
			this.execution.failed(task, new InterruptedException("stopped"));
			return null;
		}
		return worker;
	}

	/**
	 * Runs a begun task on a worker and records its outcome; the task's CPU time is what
	 * the worker process used meanwhile.
	 * @param spawnNanos the worker's start-up cost if this task paid for it, else -1
	 * @throws WorkerException when the worker is lost (the task is already recorded
	 * failed)
	 */
	void run(int task, WorkerProcess worker, long spawnNanos) throws WorkerException {
		this.execution.onWorker(task, worker.pid(), spawnNanos);
		long cpuBefore = worker.cpuNanos();
		var reply = worker.run(task, this.execution.workload());
		long cpuAfter = worker.cpuNanos();
		if (reply.succeeded()) {
			if (cpuBefore >= 0 && cpuAfter >= 0) {
				this.execution.addCpu(task, cpuAfter - cpuBefore);
			}
			this.execution.succeeded(task, reply.result());
		}
		else {
			this.execution.failed(task, new WorkerException.TaskFailed(reply.error()));
		}
	}

	/** Lets a worker go: it is asked to exit and reaped when the run ends. */
	void release(WorkerProcess worker) {
		worker.requestExit();
	}

	/** Kills a worker that is lost or broken. */
	void discard(WorkerProcess worker) {
		worker.kill();
	}

	/**
	 * Ends the run: when it is stopping, kills the workers first so that drivers blocked
	 * reading them wake up; then stops the drivers, and ends (or reaps) every worker.
	 */
	void stop(ExecutorService drivers) {
		boolean stopping = this.execution.stopping();
		if (stopping) {
			endAll(true);
		}
		this.execution.resources().shutdown(drivers);
		endAll(stopping);
	}

	/**
	 * Ends every worker of this run: those asked to exit get a moment to do so, the rest
	 * are killed; then each is reaped and its stderr drained.
	 */
	private void endAll(boolean kill) {
		long deadline = System.nanoTime() + WorkerProcess.EXIT_GRACE.toNanos();
		for (WorkerProcess worker : Set.copyOf(this.live)) {
			if (kill) {
				worker.kill();
			}
			else {
				worker.awaitExit(deadline);
			}
			worker.close();
		}
	}

}
