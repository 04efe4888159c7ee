package dev.concurrencylab.execution;

import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.StepsWorkload;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code steps} workload in every in-process mode: each step in order, in its phase,
 * and a deadline in the middle of the steps ends every task and thread.
 */
class StepsWorkloadTest {

	private static final int TASKS = 6;

	private final LabThreads threads = new LabThreads();

	static Stream<ModeRunner> runners() {
		return Stream.of(new SequentialRunner(), new PlatformThreadsRunner(), new VirtualThreadsRunner(),
				new ForkJoinRunner(), new GilThreadsRunner(), new AsyncRunner(), new ReactiveRunner(),
				new EventLoopRunner());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("runners")
	void everyStepShouldRunInOrderAndLandInItsPhase(ModeRunner runner) throws Exception {
		StepsWorkload steps = steps(Map.of("wait", 5L), Map.of("cpu", 200_000L), Map.of("wait", 5L));
		Execution execution = execution(runner, steps, 60_000);
		runner.run(execution);
		execution.finish();
		TaskLog log = execution.log();

		assertThat(IntStream.range(0, TASKS).mapToObj(log::state)).containsOnly(TaskState.SUCCEEDED);
		assertThat(IntStream.range(0, TASKS).mapToLong(log::result)).containsOnly(3L);
		for (int task = 0; task < TASKS; task++) {
			assertThat(log.phaseNanos(task, Phase.WAITING)).isGreaterThanOrEqualTo(9_000_000);
			assertThat(log.phaseNanos(task, Phase.COMPUTING)).isPositive();
		}
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("runners")
	void aDeadlineBetweenStepsShouldEndEveryTaskAndThread(ModeRunner runner) throws Exception {
		StepsWorkload steps = steps(Map.of("cpu", 1_000L), Map.of("wait", 60_000L), Map.of("cpu", 1_000L));
		Execution execution = execution(runner, steps, 300);
		runner.run(execution);
		execution.finish();

		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		assertThat(execution.progress().cancelled()).isEqualTo(TASKS);
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@SafeVarargs
	private static StepsWorkload steps(Map<String, Long>... steps) {
		return new StepsWorkload(Stream.of(steps).map(StepsWorkload.Step::of).toList(), 10, 30_000);
	}

	private Execution execution(ModeRunner runner, StepsWorkload workload, long timeoutMillis) {
		int concurrency = Math.min(TASKS, runner.maxConcurrency(TASKS, 2, ModeRunnersTest.limits()));
		return new Execution(workload, TASKS, concurrency, timeoutMillis, "lab-test-", LabClock.SYSTEM, this.threads,
				null);
	}

}
