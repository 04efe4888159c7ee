package dev.concurrencylab.execution;

import java.util.EnumSet;
import java.util.Set;

import dev.concurrencylab.workload.StepsWorkload;

/**
 * A mode whose tasks run in worker JVMs: what a worker can do. It reads and writes the
 * experiment's files, but it has no pool and shares no lock with other tasks.
 */
interface WorkerModeRunner extends ModeRunner {

	@Override
	default boolean acceptsFiles() {
		return true;
	}

	@Override
	default Set<StepsWorkload.Kind> stepKinds() {
		return EnumSet.of(StepsWorkload.Kind.WAIT, StepsWorkload.Kind.CPU, StepsWorkload.Kind.HTTP,
				StepsWorkload.Kind.FILE);
	}

}
