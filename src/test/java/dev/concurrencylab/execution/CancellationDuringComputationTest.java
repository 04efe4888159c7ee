package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabClock;
import dev.concurrencylab.workload.CpuWorkload;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling an experiment while its tasks compute, in every in-process mode: the runner
 * returns, no task succeeds, and the computing threads end instead of finishing their
 * work.
 */
class CancellationDuringComputationTest {

	/**
	 * Kernel rounds for minutes of work (a round takes a few nanoseconds), far beyond the
	 * test's patience: a task that ignored the interrupt would still be computing, and
	 * its thread still alive, when the test looks.
	 */
	private static final long ITERATIONS = 100_000_000_000L;

	private static final int TASKS = 4;

	private final LabThreads threads = new LabThreads();

	static List<ModeRunner> runners() {
		return ModeRunnersTest.runners().toList();
	}

	@ParameterizedTest
	@MethodSource("runners")
	void cancellingWhileTasksComputeShouldStopEveryTaskAndEndEveryThread(ModeRunner runner) throws Exception {
		int concurrency = Math.min(2, runner.maxConcurrency(TASKS, 2, ModeRunnersTest.limits()));
		Execution execution = new Execution(new CpuWorkload(ITERATIONS), TASKS, concurrency, 600_000, "lab-test-",
				LabClock.SYSTEM, this.threads, null);
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread conductor = Thread.ofPlatform().name("conductor-" + runner.id()).start(() -> {
			try {
				runner.run(execution);
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		Awaits.awaitUntil(runner.id() + " computing a task", () -> execution.progress().inFlight() > 0);
		// Precondition: tasks are computing, not queued or done, when the cancel comes.
		assertThat(execution.progress().inFlight()).isPositive();
		assertThat(execution.progress().completed()).isZero();
		assertThat(states(execution)).contains(TaskState.RUNNING);

		execution.stop(StopReason.CANCELLED);
		conductor.interrupt();
		conductor.join(Awaits.PATIENCE);

		assertThat(conductor.isAlive()).as(runner.id() + " returned after the cancel").isFalse();
		assertThat(outcome.get()).as(runner.id()).isInstanceOf(InterruptedException.class);
		// Before the owner's finish: no task ran to an end, and the stop ended some.
		// (A task whose last signal the mode dropped when it stopped, as Reactor does
		// once its subscription is disposed, is still RUNNING here: the owner's finish
		// below cancels it.)
		assertThat(states(execution)).as(runner.id())
			.noneMatch((state) -> state == TaskState.SUCCEEDED || state == TaskState.FAILED)
			.contains(TaskState.CANCELLED);
		execution.finish();
		assertThat(states(execution)).as(runner.id()).containsOnly(TaskState.CANCELLED);
		assertThat(execution.progress().completed()).as(runner.id()).isZero();
		assertThat(execution.progress().cancelled()).as(runner.id()).isEqualTo(TASKS);
		assertThat(execution.progress().inFlight()).as(runner.id()).isZero();
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	private static List<TaskState> states(Execution execution) {
		return IntStream.range(0, TASKS).mapToObj(execution.log()::state).toList();
	}

}
