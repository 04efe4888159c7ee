package dev.concurrencylab.execution;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

import dev.concurrencylab.worker.WorkerException;
import dev.concurrencylab.worker.WorkerLauncher;
import dev.concurrencylab.worker.WorkerProcess;
import dev.concurrencylab.workload.Phase;

/**
 * The worker processes of one run of a process mode: launches them through the
 * {@link WorkerLauncher} (which caps them across experiments), runs tasks on them and
 * records what the workers measured, and at the end of the run waits until every one has
 * been reaped, killing them first when the run stops, so a blocked driver's read ends.
 * How a worker ends is {@link WorkerProcess}'s business; the drivers only say when.
 */
final class WorkerTasks {

	private final Execution execution;

	private final WorkerLauncher launcher;

	private final ThreadFactory stderrThreads;

	/** This run's workers not yet reaped; each removes itself when it has been. */
	private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();

	WorkerTasks(Execution execution, WorkerLauncher launcher) {
		this.execution = execution;
		this.launcher = launcher;
		this.stderrThreads = execution.resources().platformThreads("worker-stderr");
		execution.enableProcesses();
	}

	/**
	 * Launches a worker for a begun task, which pays its start-up: its
	 * {@code spawnMillis} now, its {@code spawnCpuMillis} once the worker is reaped.
	 * Null, with the task cancelled, if the run stopped meanwhile.
	 */
	WorkerProcess launch(int task) throws InterruptedException, WorkerException {
		WorkerProcess worker = this.launcher.launch(this.stderrThreads, System::nanoTime, (ended) -> ended(task, ended),
				this.execution.nextWorkerJvmOptions());
		this.live.add(worker);
		// A stop that came while launching already killed the others; this one too.
		// (Added before this check: a stop after it finds the worker in `live`.)
		if (this.execution.stopping()) {
			this.execution.onWorker(task, worker.pid(), worker.spawnNanos());
			worker.kill();
			this.execution.failed(task, new InterruptedException("stopped"));
			return null;
		}
		return worker;
	}

	/**
	 * Runs a begun task on a worker and records its outcome, with the CPU time the worker
	 * measured for it. Nothing is read about the worker in between: the task's timed
	 * window holds only the request and the reply.
	 * @param spawnNanos the worker's start-up cost if this task paid for it, else -1
	 * @throws WorkerException when the worker is lost (and already killed); the task is
	 * not yet recorded
	 */
	void run(int task, WorkerProcess worker, long spawnNanos) throws WorkerException {
		this.execution.onWorker(task, worker.pid(), spawnNanos);
		var reply = worker.run(task, this.execution.workload());
		this.execution.addCpu(task, reply.cpuNanos());
		this.execution.add(task, Phase.WAITING, reply.waitNanos());
		this.execution.add(task, Phase.COMPUTING, reply.computeNanos());
		if (reply.succeeded()) {
			this.execution.succeeded(task, reply.result());
		}
		else {
			this.execution.failed(task, new WorkerException.TaskFailed(reply.error()));
		}
	}

	/**
	 * Ends the run: when it is stopping, kills the workers first so that drivers blocked
	 * reading them wake up; then stops the drivers, and waits until every worker has been
	 * reaped (those the drivers let go exit on their own; when stopping, the rest are
	 * killed). On return every worker's start-up CPU is recorded and its launcher slot
	 * free.
	 */
	void stop(ExecutorService drivers) {
		boolean stopping = this.execution.stopping();
		if (stopping) {
			Set.copyOf(this.live).forEach(WorkerProcess::kill);
		}
		this.execution.resources().shutdown(drivers);
		for (WorkerProcess worker : Set.copyOf(this.live)) {
			if (stopping) {
				worker.kill();
			}
			else {
				worker.close();
			}
		}
	}

	/**
	 * Told once per worker, when it has been reaped: records its start-up CPU on the task
	 * that paid for it, and only then leaves {@link #live}, so a {@link #stop} that no
	 * longer sees the worker sees the record.
	 */
	private void ended(int payer, WorkerProcess worker) {
		this.execution.spawnCpu(payer, worker.spawnCpuNanos());
		this.live.remove(worker);
	}

}
