package dev.concurrencylab.execution;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.report.OpenModel;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open model in every mode that takes it: tasks are released at their arrival times,
 * never before; latency counts from the intended arrival; a mode that cannot keep up
 * builds a backlog whose tasks are dropped once they waited longer than allowed; a cancel
 * during the arrivals releases no more and leaves no thread.
 */
class OpenModelTest {

	private final LabThreads threads = new LabThreads();

	static Stream<ModeRunner> runners() {
		return Stream.of(new SequentialRunner(), new PlatformThreadsRunner(), new VirtualThreadsRunner(),
				new GilThreadsRunner(), new AsyncRunner(), new ReactiveRunner(), new EventLoopRunner());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("runners")
	void tasksShouldStartAtTheirArrivalNeverBeforeAndCountTheirLatencyFromIt(ModeRunner runner) throws Exception {
		// 40 arrivals a second for 400 ms, each a 5 ms wait: every mode keeps up.
		Arrival arrival = new Arrival(40, 400, Arrival.Distribution.CONSTANT, 10_000, 1);
		int tasks = (int) arrival.count(1_000);
		long[] schedule = arrival.offsetsNanos(tasks);
		Execution execution = execution(runner, new SleepWorkload(5, 1), tasks, schedule, TimeUnit.SECONDS.toNanos(10));
		runner.run(execution);
		execution.finish();
		TaskLog log = execution.log();

		assertThat(tasks).isEqualTo(16);
		assertThat(IntStream.range(0, tasks).mapToObj(log::state)).containsOnly(TaskState.SUCCEEDED);
		for (int task = 0; task < tasks; task++) {
			assertThat(log.queuedNanos(task)).as("task %d's queued time is its arrival", task)
				.isEqualTo(schedule[task]);
			assertThat(log.startNanos(task)).as("task %d began at or after its arrival", task)
				.isGreaterThanOrEqualTo(schedule[task]);
		}
		OpenModel open = OpenModel.of(log, arrival, execution.arrived());
		assertThat(open.arrived()).isEqualTo(tasks);
		assertThat(open.dropped()).isZero();
		assertThat(open.latencyMillis().p50()).isGreaterThanOrEqualTo(5.0);
		assertThat(execution.progress().dropped()).isZero();
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@Test
	void aModeThatFallsBehindShouldDropWhatWaitedTooLongAndCountLatencyFromArrival() throws Exception {
		// One thread, 50 arrivals a second of 60 ms waits for 1 s: it serves 16 a second,
		// the backlog grows, and a task that waited over 100 ms is dropped.
		Arrival arrival = new Arrival(50, 1_000, Arrival.Distribution.CONSTANT, 100, 1);
		int tasks = (int) arrival.count(1_000);
		ModeRunner runner = new SequentialRunner();
		Execution execution = execution(runner, new SleepWorkload(60, 1), tasks, arrival.offsetsNanos(tasks),
				TimeUnit.MILLISECONDS.toNanos(arrival.maxQueueMillis()));
		runner.run(execution);
		execution.finish();
		TaskLog log = execution.log();

		int dropped = (int) IntStream.range(0, tasks).filter((task) -> log.state(task) == TaskState.DROPPED).count();
		int succeeded = (int) IntStream.range(0, tasks)
			.filter((task) -> log.state(task) == TaskState.SUCCEEDED)
			.count();
		assertThat(dropped + succeeded).isEqualTo(tasks);
		assertThat(dropped).isPositive().isEqualTo(execution.progress().dropped());
		IntStream.range(0, tasks).filter((task) -> log.state(task) == TaskState.DROPPED).forEach((task) -> {
			assertThat(log.threadId(task)).as("a dropped task never ran").isZero();
			assertThat(log.error(task)).startsWith("dropped: it waited more than maxQueueMillis (100 ms)");
			assertThat(log.startNanos(task) - log.queuedNanos(task)).isGreaterThan(100_000_000);
		});
		IntStream.range(0, tasks).filter((task) -> log.state(task) == TaskState.SUCCEEDED).forEach((task) -> {
			assertThat(log.startNanos(task) - log.queuedNanos(task)).isLessThanOrEqualTo(100_000_000);
		});
		OpenModel open = OpenModel.of(log, arrival, execution.arrived());
		assertThat(open.dropped()).isEqualTo(dropped);
		// Latency from arrival includes the wait in the backlog: some tasks waited.
		assertThat(open.latencyMillis().max()).isGreaterThan(60 + 20);
		assertThat(open.late()).isPositive();
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("runners")
	void aDeadlineDuringTheArrivalsShouldReleaseNoMoreAndLeaveNoThread(ModeRunner runner) throws Exception {
		// Arrivals for 60 s, a deadline after 300 ms.
		Arrival arrival = new Arrival(20, 60_000, Arrival.Distribution.CONSTANT, 10_000, 1);
		int tasks = (int) arrival.count(10_000);
		Execution execution = new Execution(new SleepWorkload(10, 1), tasks,
				Math.min(tasks, runner.maxConcurrency(tasks, 2, ModeRunnersTest.limits())), 300, "lab-test-",
				LabClock.SYSTEM, this.threads, null);
		execution.arrivals(arrival.offsetsNanos(tasks), Long.MAX_VALUE);
		runner.run(execution);
		execution.finish();

		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		// About 6 arrived in 300 ms; the rest never did.
		assertThat(execution.arrived()).isBetween(1, 20);
		assertThat(execution.progress().completed() + execution.progress().cancelled()).isEqualTo(tasks);
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@Test
	void schedulesShouldBeExactForConstantAndReproducibleForPoisson() {
		Arrival constant = new Arrival(1_000, 10_000, Arrival.Distribution.CONSTANT, 1_000, 1);
		assertThat(constant.count(1_000_000)).isEqualTo(10_000);
		long[] evenly = constant.offsetsNanos(10_000);
		assertThat(evenly[0]).isZero();
		assertThat(evenly[9_999]).isEqualTo(9_999_000_000L);

		Arrival poisson = new Arrival(1_000, 10_000, Arrival.Distribution.POISSON, 1_000, 42);
		long count = poisson.count(1_000_000);
		// Poisson with mean 10,000: within 4 standard deviations (100 each).
		assertThat(count).isBetween(9_600L, 10_400L).isEqualTo(poisson.count(1_000_000));
		long[] gaps = poisson.offsetsNanos((int) count);
		assertThat(gaps).isSorted().isEqualTo(poisson.offsetsNanos((int) count));
		assertThat(gaps[(int) count - 1]).isLessThan(10_000_000_000L);
		assertThat(new Arrival(1_000, 10_000, Arrival.Distribution.POISSON, 1_000, 43).offsetsNanos(10))
			.isNotEqualTo(poisson.offsetsNanos(10));
		// A schedule longer than the limit is counted only just past it.
		assertThat(new Arrival(100_000, 600_000, Arrival.Distribution.POISSON, 1_000, 1).count(1_000_000))
			.isEqualTo(1_000_001);
	}

	private Execution execution(ModeRunner runner, SleepWorkload workload, int tasks, long[] schedule,
			long maxQueueNanos) {
		int concurrency = Math.min(tasks, runner.maxConcurrency(tasks, 2, ModeRunnersTest.limits()));
		Execution execution = new Execution(workload, tasks, concurrency, 60_000, "lab-test-", LabClock.SYSTEM,
				this.threads, null);
		execution.arrivals(schedule, maxQueueNanos);
		return execution;
	}

}
