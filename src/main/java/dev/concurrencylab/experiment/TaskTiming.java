package dev.concurrencylab.experiment;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;
import dev.concurrencylab.report.Phases;
import dev.concurrencylab.report.Summaries;
import dev.concurrencylab.report.TaskPhases;

/**
 * One task's timings, in milliseconds from the experiment's start.
 *
 * @param task the task's index
 * @param status PENDING, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param queuedMillis when it was handed to the mode's scheduler
 * @param startMillis when it started; null if it never did
 * @param endMillis when it ended; null while it runs
 * @param durationMillis end − start
 * @param cpuMillis CPU time of its thread; null where not measurable (virtual threads,
 * pure waits on timers). In the process modes, the CPU time of the worker's thread during
 * the work, as the worker measured it
 * @param thread the thread that ran (or computed) it, {@code virtual-<id>} for virtual
 * threads
 * @param virtual whether that thread was virtual
 * @param pid the process that ran it
 * @param spawnMillis the worker process's start-up cost (process modes only), on the task
 * that paid for it: launch until the worker said READY
 * @param spawnCpuMillis the CPU time that worker used apart from its tasks, on the same
 * task (null elsewhere, and when unknown: the worker crashed or was killed from outside):
 * its process total as the OS counts it (all threads, clock-tick resolution), read once
 * just before it is asked to exit or killed, minus its tasks' CPU. Mostly its start-up
 * until READY; also its JIT and GC work beside the tasks, and the part of a task cut
 * short by a stop. Part of the run's {@code cpuMillis}
 * @param result the task's checksum, equal in every mode
 * @param error why it failed or was cancelled
 * @param phases its time from being queued to its end split into phases, in milliseconds;
 * null until it has ended, and for a task that never started
 * @param onCpu where {@code phases.computingOnCpu} comes from: {@code MEASURED},
 * {@code ESTIMATED} (a virtual thread: the calibrated kernel cost), {@code UNKNOWN} (not
 * calibrated yet) or {@code NONE} (it did not compute); null with {@code phases}
 */
public record TaskTiming(int task, TaskState status, double queuedMillis, Double startMillis, Double endMillis,
		Double durationMillis, Double cpuMillis, String thread, Boolean virtual, Long pid, Double spawnMillis,
		Double spawnCpuMillis, Long result, String error, Phases phases, Phases.CpuSource onCpu) {

	static TaskTiming of(TaskLog log, int task) {
		TaskState status = log.state(task);
		boolean started = status != TaskState.PENDING && log.threadId(task) != 0;
		boolean ended = status.isFinished();
		Double start = started ? Summaries.millis(log.startNanos(task)) : null;
		Double end = (ended && started) ? Summaries.millis(log.endNanos(task)) : null;
		Double duration = (start != null && end != null) ? Summaries.millis(log.endNanos(task) - log.startNanos(task))
				: null;
		long cpu = log.cpuNanos(task);
		TaskPhases phases = (ended && started) ? TaskPhases.of(log, task) : null;
		return new TaskTiming(task, status, Summaries.millis(log.queuedNanos(task)), start, end, duration,
				(cpu >= 0 && ended) ? Summaries.millis(cpu) : null, started ? log.threadName(task) : null,
				started ? log.virtual(task) : null, started ? log.pid(task) : null,
				(log.spawnNanos(task) >= 0) ? Summaries.millis(log.spawnNanos(task)) : null,
				(log.spawnCpuNanos(task) >= 0) ? Summaries.millis(log.spawnCpuNanos(task)) : null,
				(status == TaskState.SUCCEEDED) ? log.result(task) : null, log.error(task),
				(phases != null) ? phases.millis() : null, (phases != null) ? phases.cpuSource() : null);
	}

}
