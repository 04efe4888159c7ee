package dev.concurrencylab.execution;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.report.PhaseSummary;
import dev.concurrencylab.report.Phases;
import dev.concurrencylab.report.TaskPhases;
import dev.concurrencylab.report.TimelineSvg;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.Workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every task's time split into phases, in every in-process mode: the phases each mode
 * times, what they add up to, and the lessons they must show (the GIL's lock waits, the
 * event loop held up by one computation, estimated CPU on virtual threads).
 */
class TaskPhasesTest {

	private static final long WAIT_MILLIS = 20;

	private final LabThreads threads = new LabThreads();

	@ParameterizedTest
	@MethodSource("dev.concurrencylab.execution.ModeRunnersTest#runners")
	void everyTaskShouldHaveItsWaitAndItsComputationAndPhasesThatAddUpToItsTime(ModeRunner runner) throws Exception {
		Execution execution = run(runner, new MixedWorkload(WAIT_MILLIS, 1_000_000), 4, 4);
		TaskLog log = execution.log();

		for (int task = 0; task < 4; task++) {
			assertThat(log.state(task)).isEqualTo(TaskState.SUCCEEDED);
			// A sleep never ends early, and a timer's wait counts what was asked for.
			assertThat(log.phaseNanos(task, Phase.WAITING)).isGreaterThanOrEqualTo(millis(WAIT_MILLIS));
			assertThat(log.phaseNanos(task, Phase.COMPUTING)).isPositive();
			TaskPhases phases = TaskPhases.of(log, task);
			// The timed phases nest inside the task's start and end (each kept to the
			// nearest microsecond: half a microsecond over at most, per phase); the rest
			// is scheduling, so together they are its whole time.
			assertThat(phases.waiting() + phases.lockWait() + phases.onCpu() + phases.offCpu())
				.isLessThanOrEqualTo(log.endNanos(task) - log.startNanos(task) + 1_000);
			assertThat(phases.total()).isEqualTo(log.endNanos(task) - log.queuedNanos(task));
			assertThat(phases.cpuSource()).isEqualTo(
					runner.id().equals("virtual-threads") ? Phases.CpuSource.UNKNOWN : Phases.CpuSource.MEASURED);
		}
		PhaseSummary summary = PhaseSummary.of(log);
		Phases share = summary.share();
		assertThat(share.queued() + share.spawn() + share.waiting() + share.lockWait() + share.computingOnCpu()
				+ share.computingOffCpu() + share.scheduling())
			.isCloseTo(1.0, within(0.001));
		assertThat(summary.tasks()).isEqualTo(4);
		assertThat(summary.text()).startsWith("4 tasks × ").contains("waiting ").contains("computing on CPU ");
	}

	@Test
	void gilThreadsShouldWaitForTheLockWhileAnotherThreadComputes() throws Exception {
		// Four slices each (the switch interval), four threads: they take turns.
		Execution execution = run(new GilThreadsRunner(),
				new CpuWorkload(4 * GilThreadsRunner.SWITCH_INTERVAL_ITERATIONS), 4, 4);
		TaskLog log = execution.log();

		long lockWait = IntStream.range(0, 4).mapToLong((task) -> log.phaseNanos(task, Phase.LOCK_WAIT)).sum();
		long computing = IntStream.range(0, 4).mapToLong((task) -> log.phaseNanos(task, Phase.COMPUTING)).sum();
		assertThat(lockWait).isPositive();
		assertThat(computing).isPositive();
		assertThat(log.phaseBytesPerTask()).isEqualTo(2 * Integer.BYTES);
		assertThat(PhaseSummary.of(log).text()).contains("waiting for the lock");
		// The timeline draws the lock waits inside the bars, and says so in its legend.
		String svg = TimelineSvg.render(log, "gil");
		assertThat(svg).contains("fill=\"#b279a2\"").contains(">waiting for the lock</text>");
		assertThat(svg).containsPattern("<title>task 3: [^<]*waiting for the lock [0-9.]+ m?s");
	}

	@Test
	void theEventLoopShouldHoldEveryTaskBackWhileOneComputes() throws Exception {
		Execution execution = run(new EventLoopRunner(), new MixedWorkload(WAIT_MILLIS, 2_000_000), 4, 4);
		TaskLog log = execution.log();

		// One thread computes one task after another: each task starts only after
		// every earlier one's computation, so it was queued at least that long.
		long computedBefore = 0;
		for (int task = 0; task < 4; task++) {
			assertThat(TaskPhases.of(log, task).queued()).isGreaterThanOrEqualTo(computedBefore);
			computedBefore += log.phaseNanos(task, Phase.COMPUTING);
		}
		// Four overlapping tasks on one thread: four tracks, and the time the finished
		// waits spent behind the busy loop drawn as scheduling.
		String svg = TimelineSvg.render(log, "event loop");
		assertThat(svg).contains("fill=\"#eeca3b\"").contains("4 tasks on 1 lane");
		assertThat(svg.lines().filter((line) -> line.contains("<title>task ")).map(TaskPhasesTest::y).distinct())
			.hasSize(4);
	}

	private static String y(String rect) {
		return rect.replaceFirst(".* y=\"([0-9.]+)\".*", "$1");
	}

	@Test
	void virtualThreadsShouldEstimateTheirCpuFromTheCalibratedCost() throws Exception {
		Execution execution = execution(new VirtualThreadsRunner(), new CpuWorkload(1_000_000), 2, 2);
		// More than the computation took: the estimate is capped by the wall time.
		execution.cpuEstimate(TimeUnit.SECONDS.toNanos(60));
		new VirtualThreadsRunner().run(execution);
		execution.finish();

		TaskPhases phases = TaskPhases.of(execution.log(), 0);
		assertThat(phases.cpuSource()).isEqualTo(Phases.CpuSource.ESTIMATED);
		assertThat(phases.onCpu()).isEqualTo(execution.log().phaseNanos(0, Phase.COMPUTING));
		assertThat(phases.offCpu()).isZero();
		assertThat(PhaseSummary.of(execution.log()).onCpu()).isEqualTo("ESTIMATED");
		assertThat(PhaseSummary.of(execution.log()).text()).contains("computing on CPU (estimated)");
	}

	@Test
	void phasesShouldAddUpToTheTaskEvenWhenALatePartOverran() {
		TaskLog log = new TaskLog(1, true, true, false);
		log.queued(0, 0);
		log.start(0, millis(1), Thread.currentThread());
		log.addPhase(0, Phase.COMPUTING, millis(4));
		log.finish(0, TaskState.SUCCEEDED, millis(11), 7, null);
		// An HTTP answer that came after the task ended, written past its end.
		log.addPhase(0, Phase.WAITING, millis(30));

		TaskPhases phases = TaskPhases.of(log, 0);

		assertThat(phases.onCpu() + phases.offCpu()).isEqualTo(millis(4));
		assertThat(phases.waiting()).isEqualTo(millis(6));
		assertThat(phases.scheduling()).isZero();
		assertThat(phases.total()).isEqualTo(millis(11));
	}

	@Test
	void aPartEndingAfterItsTaskShouldNotBeCounted() {
		Execution execution = execution(new SequentialRunner(), new SleepWorkload(1, 1), 1, 1);
		execution.begin(0);
		execution.succeeded(0, 1);

		execution.add(0, Phase.WAITING, millis(5));

		assertThat(execution.log().phaseNanos(0, Phase.WAITING)).isZero();
	}

	@Test
	void aLogShouldHoldOnlyThePhaseColumnsItsWorkloadNeeds() {
		assertThat(execution(new SequentialRunner(), new SleepWorkload(1, 1), 10, 1).log().phaseBytesPerTask())
			.isEqualTo(Integer.BYTES);
		assertThat(execution(new SequentialRunner(), new CpuWorkload(1), 10, 1).log().phaseBytesPerTask())
			.isEqualTo(Integer.BYTES);
		Execution mixed = execution(new SequentialRunner(), new MixedWorkload(1, 1), 10, 1);
		assertThat(mixed.log().phaseBytesPerTask()).isEqualTo(2 * Integer.BYTES);
		mixed.enableLockWaits();
		assertThat(mixed.log().phaseBytesPerTask()).isEqualTo(3 * Integer.BYTES);
		assertThat(mixed.log().retainedBytes())
			.isGreaterThanOrEqualTo(10L * (TaskLog.BYTES_PER_TASK + 3 * Integer.BYTES));
		// A db workload waits for its query and for a connection.
		assertThat(execution(new SequentialRunner(), new DbWorkload(1, 1, 1_000), 10, 1).log().phaseBytesPerTask())
			.isEqualTo(2 * Integer.BYTES);
	}

	@Test
	void aSummaryShouldSayWhereTheTimeWentInOneSentence() throws Exception {
		Execution execution = run(new PlatformThreadsRunner(), new SleepWorkload(WAIT_MILLIS, 1), 4, 2);

		PhaseSummary summary = PhaseSummary.of(execution.log());
		// Two threads for four waits: the second pair queued for the first.
		assertThat(summary.totalMillis().queued()).isGreaterThanOrEqualTo(2.0 * WAIT_MILLIS);
		assertThat(summary.onCpu()).isEqualTo("NONE");
		assertThat(summary.text()).matches("4 tasks × [0-9.]+ ms: queued \\d+ %, waiting \\d+ %.*");
	}

	private Execution run(ModeRunner runner, Workload workload, int tasks, int concurrency) throws Exception {
		Execution execution = execution(runner, workload, tasks, concurrency);
		runner.run(execution);
		execution.finish();
		ModeRunnersTest.assertNoThreadLeft(this.threads);
		return execution;
	}

	private Execution execution(ModeRunner runner, Workload workload, int tasks, int concurrency) {
		int allowed = Math.min(concurrency, runner.maxConcurrency(tasks, 2, ModeRunnersTest.limits()));
		return new Execution(workload, tasks, allowed, 60_000, "lab-test-", LabClock.SYSTEM, this.threads, null);
	}

	private static long millis(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

}
