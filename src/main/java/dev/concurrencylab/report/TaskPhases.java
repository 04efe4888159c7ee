package dev.concurrencylab.report;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.workload.Phase;

/**
 * One task's phases in nanoseconds, derived from its task log: the timed phases (waiting,
 * lock wait, computing) as the task recorded them, the rest from its timestamps. Pure.
 *
 * @param queued start − queued − spawn
 * @param spawn the worker start-up this task paid for
 * @param waiting the workload's waits
 * @param lockWait waiting for a lock
 * @param poolWait waiting for a pooled connection
 * @param onCpu computing on a core
 * @param offCpu computing off a core
 * @param scheduling end − start − the timed phases
 * @param cpuSource where {@code onCpu} comes from
 */
public record TaskPhases(long queued, long spawn, long waiting, long lockWait, long poolWait, long onCpu, long offCpu,
		long scheduling, Phases.CpuSource cpuSource) {

	/** The phases of a task that started and ended. */
	public static TaskPhases of(TaskLog log, int task) {
		long spawn = Math.max(0, log.spawnNanos(task));
		long queued = Math.max(0, log.startNanos(task) - log.queuedNanos(task) - spawn);
		long duration = Math.max(0, log.endNanos(task) - log.startNanos(task));
		// The timed phases lie within the task's start and end. Read while a late part
		// still adds to them, or rounded up, they could pass its duration: they are cut
		// to it, waits first, so that the phases always add up to the task's time.
		long computing = Math.min(log.phaseNanos(task, Phase.COMPUTING), duration);
		long lockWait = Math.min(log.phaseNanos(task, Phase.LOCK_WAIT), duration - computing);
		long poolWait = Math.min(log.phaseNanos(task, Phase.POOL_WAIT), duration - computing - lockWait);
		long waiting = Math.min(log.phaseNanos(task, Phase.WAITING), duration - computing - lockWait - poolWait);
		long onCpu;
		Phases.CpuSource source;
		long cpu = log.cpuNanos(task);
		if (computing == 0) {
			onCpu = 0;
			source = Phases.CpuSource.NONE;
		}
		else if (cpu >= 0) {
			onCpu = Math.min(cpu, computing);
			source = Phases.CpuSource.MEASURED;
		}
		else if (log.cpuEstimateNanos() >= 0) {
			onCpu = Math.min(log.cpuEstimateNanos(), computing);
			source = Phases.CpuSource.ESTIMATED;
		}
		else {
			onCpu = computing;
			source = Phases.CpuSource.UNKNOWN;
		}
		long scheduling = Math.max(0, duration - waiting - lockWait - poolWait - computing);
		return new TaskPhases(queued, spawn, waiting, lockWait, poolWait, onCpu, computing - onCpu, scheduling, source);
	}

	/** Everything from being queued to the end. */
	public long total() {
		return this.queued + this.spawn + this.waiting + this.lockWait + this.poolWait + this.onCpu + this.offCpu
				+ this.scheduling;
	}

	/** In milliseconds. */
	public Phases millis() {
		return new Phases(Summaries.millis(this.queued), Summaries.millis(this.spawn), Summaries.millis(this.waiting),
				Summaries.millis(this.lockWait), Summaries.millis(this.poolWait), Summaries.millis(this.onCpu),
				Summaries.millis(this.offCpu), Summaries.millis(this.scheduling));
	}

}
