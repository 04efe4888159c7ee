package dev.concurrencylab.execution;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.report.TaskPhases;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.Phase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code lock} workload in every mode that runs it: one lock per experiment, held by
 * one task at a time, each task's wait for it in its lock-wait phase, and every lock
 * released and every thread ended when the run is cut short.
 */
class LockWorkloadTest {

	private static final int TASKS = 6;

	private final LabThreads threads = new LabThreads();

	static Stream<Arguments> runnersAndLocks() {
		return Stream
			.of(new SequentialRunner(), new PlatformThreadsRunner(), new VirtualThreadsRunner(), new ForkJoinRunner(),
					new GilThreadsRunner())
			.flatMap((runner) -> Stream.of(LockWorkload.Kind.values()).map((kind) -> Arguments.of(runner, kind)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("runnersAndLocks")
	void tasksShouldHoldTheLockOneAtATimeAndWaitForItInTheirLockWait(ModeRunner runner, LockWorkload.Kind kind)
			throws Exception {
		Execution execution = execution(runner, new LockWorkload(kind, 5, 200_000), 60_000);
		runner.run(execution);
		execution.finish();
		TaskLog log = execution.log();

		// Every task took its own turn: the turns are 0 to n - 1, none twice (a task
		// that found another holding the lock would have failed).
		assertThat(IntStream.range(0, TASKS).mapToObj(log::state)).containsOnly(TaskState.SUCCEEDED);
		assertThat(IntStream.range(0, TASKS).mapToLong(log::result)).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L);
		for (int task = 0; task < TASKS; task++) {
			assertThat(log.phaseNanos(task, Phase.WAITING)).isGreaterThanOrEqualTo(5_000_000);
			assertThat(log.phaseNanos(task, Phase.COMPUTING)).isPositive();
			assertThat(TaskPhases.of(log, task).total()).isEqualTo(log.endNanos(task) - log.queuedNanos(task));
		}
		if (!runner.id().equals("sequential")) {
			// Six tasks in flight at once for one lock: the later ones waited for it.
			assertThat(IntStream.range(0, TASKS).mapToLong((task) -> log.phaseNanos(task, Phase.LOCK_WAIT)).sum())
				.isPositive();
		}
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("runnersAndLocks")
	void aDeadlineShouldEndTasksHoldingOrWaitingForTheLock(ModeRunner runner, LockWorkload.Kind kind) throws Exception {
		Execution execution = execution(runner, new LockWorkload(kind, 60_000, 0), 300);
		runner.run(execution);
		execution.finish();

		// The holder was interrupted and let go; those waiting gave up, or took the lock
		// and found themselves cancelled.
		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		assertThat(execution.progress().cancelled()).isEqualTo(TASKS);
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	private Execution execution(ModeRunner runner, LockWorkload workload, long timeoutMillis) {
		int concurrency = Math.min(TASKS, runner.maxConcurrency(TASKS, 2, ModeRunnersTest.limits()));
		return new Execution(workload, TASKS, concurrency, timeoutMillis, "lab-test-", LabClock.SYSTEM, this.threads,
				null);
	}

}
