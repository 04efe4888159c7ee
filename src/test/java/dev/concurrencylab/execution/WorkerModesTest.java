package dev.concurrencylab.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.worker.FaultyWorkerMain;
import dev.concurrencylab.worker.WorkerCommand;
import dev.concurrencylab.worker.WorkerLauncher;
import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.Workload;

import dev.concurrencylab.report.Phases;
import dev.concurrencylab.report.TaskPhases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The process modes with real worker processes: results, pids, what the workers measured,
 * faults, deadline and cancellation — and after each test, no child process of this JVM,
 * no lab thread and no launcher slot taken.
 */
class WorkerModesTest {

	private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

	private static final String CLASSPATH = System.getProperty("java.class.path");

	private final LabThreads threads = new LabThreads();

	private final WorkerLauncher launcher = new WorkerLauncher(8, () -> new WorkerCommand(List.of(JAVA,
			"-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", CLASSPATH, "dev.concurrencylab.worker.WorkerMain")));

	private final WorkerLauncher faultyLauncher = new WorkerLauncher(8, () -> new WorkerCommand(
			List.of(JAVA, "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", CLASSPATH, FaultyWorkerMain.class.getName())));

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@AfterEach
	void nothingIsLeftBehind() {
		await().atMost(PATIENCE).until(() -> ProcessHandle.current().descendants().findAny().isEmpty());
		await().atMost(PATIENCE).until(() -> this.threads.live() == 0);
		assertThat(this.launcher.live() + this.faultyLauncher.live()).isZero();
	}

	@Test
	void processesShouldRunEachTaskInItsOwnWorkerWithTheSameResult() throws Exception {
		Execution execution = run(new ProcessesRunner(this.launcher), new CpuWorkload(2_000_000), 8, 2);

		Set<Long> pids = pids(execution, 8);
		assertThat(pids).hasSize(8).doesNotContain(ProcessHandle.current().pid());
		assertThat(results(execution, 8)).containsOnly(CpuKernel.compute(2_000_000));
		for (int task = 0; task < 8; task++) {
			assertThat(execution.log().spawnNanos(task)).isPositive();
			// The worker's own thread CPU time, from its reply (nanosecond resolution).
			assertThat(execution.log().cpuNanos(task)).isPositive();
			// Every task paid for its worker; read when the worker was done with.
			assertThat(execution.log().spawnCpuNanos(task)).isPositive();
			// Its phases: the worker's start-up, then the computation the worker timed.
			TaskPhases phases = TaskPhases.of(execution.log(), task);
			assertThat(phases.spawn()).isEqualTo(execution.log().spawnNanos(task));
			assertThat(phases.onCpu() + phases.offCpu()).isPositive()
				.isLessThanOrEqualTo(execution.log().endNanos(task) - execution.log().startNanos(task));
			assertThat(phases.cpuSource()).isEqualTo(Phases.CpuSource.MEASURED);
			assertThat(phases.total()).isEqualTo(execution.log().endNanos(task) - execution.log().queuedNanos(task));
		}
	}

	@Test
	void theProcessModesShouldTakeTheOpenModelAndStartNoTaskBeforeItsArrival() throws Exception {
		for (ModeRunner runner : List.of(new ProcessesRunner(this.launcher), new ProcessPoolRunner(this.launcher))) {
			// 10 arrivals a second for 500 ms, each a 5 ms wait in a worker.
			Arrival arrival = new Arrival(10, 500, Arrival.Distribution.CONSTANT, 60_000, 1);
			long[] schedule = arrival.offsetsNanos(5);
			Execution execution = new Execution(new SleepWorkload(5, 1), 5, 2, 60_000, "lab-test-", LabClock.SYSTEM,
					this.threads, null);
			execution.arrivals(schedule, Long.MAX_VALUE);
			runner.run(execution);
			execution.finish();

			assertThat(execution.progress().completed()).as(runner.id()).isEqualTo(5);
			for (int task = 0; task < 5; task++) {
				assertThat(execution.log().queuedNanos(task)).as(runner.id()).isEqualTo(schedule[task]);
				assertThat(execution.log().startNanos(task)).as(runner.id()).isGreaterThanOrEqualTo(schedule[task]);
			}
		}
	}

	@Test
	void processPoolShouldRunAllTasksOnExactlyConcurrencyWorkers() throws Exception {
		Execution execution = run(new ProcessPoolRunner(this.launcher), new SleepWorkload(0, 1), 1000, 2);

		assertThat(execution.progress().completed()).isEqualTo(1000);
		assertThat(pids(execution, 1000)).hasSize(2).doesNotContain(ProcessHandle.current().pid());
		List<Integer> spawned = IntStream.range(0, 1000)
			.filter((task) -> execution.log().spawnNanos(task) >= 0)
			.boxed()
			.toList();
		assertThat(spawned).hasSize(2);
		// The start-up CPU is on exactly the tasks that paid a start-up.
		assertThat(IntStream.range(0, 1000).filter((task) -> execution.log().spawnCpuNanos(task) >= 0).boxed())
			.containsExactlyElementsOf(spawned);
		assertThat(spawned).allSatisfy((task) -> assertThat(execution.log().spawnCpuNanos(task)).isPositive());
	}

	@Test
	void aPoolShouldFailOnlyTheTasksOfAWorkerThatBrokeAndReplaceIt() throws Exception {
		// Task 1 gets garbage back, task 2's worker crashes; task 3 would hang, so 3
		// tasks.
		Execution execution = run(new ProcessPoolRunner(this.faultyLauncher), new SleepWorkload(0, 1), 3, 1);

		assertThat(execution.log().state(0)).isEqualTo(TaskState.SUCCEEDED);
		assertThat(execution.log().error(1)).contains("answered something unreadable").contains("garbage!!");
		assertThat(execution.log().error(2)).contains("died while running task 2")
			.contains("exit code 7")
			.contains("boom: simulated crash");
		// The garbage answer lost task 0's worker; a new one ran task 2 and crashed.
		assertThat(execution.log().pid(1)).isEqualTo(execution.log().pid(0));
		assertThat(execution.log().pid(2)).isNotEqualTo(execution.log().pid(0));
		assertThat(execution.progress().failed()).isEqualTo(2);
	}

	@Test
	void aHungWorkerShouldBeKilledAtTheDeadline() throws Exception {
		Execution execution = execution(new SleepWorkload(0, 1), 5, 1, 3_000);
		new ProcessPoolRunner(this.faultyLauncher).run(execution);
		execution.finish();

		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		assertThat(execution.log().state(0)).isEqualTo(TaskState.SUCCEEDED);
		assertThat(execution.log().state(3)).isEqualTo(TaskState.CANCELLED);
		assertThat(execution.log().error(3)).contains("deadline of 3000 ms");
		assertThat(execution.log().state(4)).isEqualTo(TaskState.CANCELLED);
	}

	@Test
	void killingAWorkerFromOutsideShouldFailOnlyItsTask() throws Exception {
		Execution execution = execution(new SleepWorkload(3_000, 1), 4, 2, 60_000);
		Thread conductor = Thread.ofPlatform().start(() -> {
			try {
				new ProcessesRunner(this.launcher).run(execution);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		await().atMost(PATIENCE)
			.until(() -> ProcessHandle.current().descendants().count() >= 2 && execution.progress().inFlight() == 2
					&& execution.log().processes() && execution.log().pid(0) != ProcessHandle.current().pid());
		long victim = execution.log().pid(0);
		ProcessHandle.of(victim).orElseThrow().destroyForcibly();
		conductor.join(PATIENCE);
		execution.finish();

		assertThat(execution.log().state(0)).isEqualTo(TaskState.FAILED);
		assertThat(execution.log().error(0)).contains("worker " + victim + " died while running task 0");
		assertThat(execution.progress().completed()).isEqualTo(4);
		assertThat(execution.progress().failed()).isEqualTo(1);
	}

	@Test
	void cancellingShouldKillRunningWorkers() throws Exception {
		for (ModeRunner runner : List.of(new ProcessesRunner(this.launcher), new ProcessPoolRunner(this.launcher))) {
			Execution execution = execution(new SleepWorkload(60_000, 1), 4, 2, 120_000);
			Thread conductor = conduct(runner, execution);
			awaitTwoTasksOnWorkers(execution);
			execution.stop(StopReason.CANCELLED);
			conductor.interrupt();
			conductor.join(PATIENCE);
			execution.finish();

			assertThat(conductor.isAlive()).isFalse();
			assertThat(execution.progress().cancelled()).as(runner.id()).isEqualTo(4);
			assertThat(ProcessHandle.current().descendants()).as(runner.id()).isEmpty();
			assertThat(this.launcher.live()).as(runner.id()).isZero();
		}
	}

	@Test
	void cancellingDuringComputationShouldKillComputingWorkers() throws Exception {
		for (ModeRunner runner : List.of(new ProcessesRunner(this.launcher), new ProcessPoolRunner(this.launcher))) {
			// About 100 s of computation per task: the stop must cut it short.
			Execution execution = execution(new CpuWorkload(50_000_000_000L), 4, 2, 600_000);
			Thread conductor = conduct(runner, execution);
			Map<Integer, ProcessHandle> workers = awaitTwoTasksOnWorkers(execution);
			// Really computing: each worker's CPU time grows well past what it had.
			Map<Integer, Long> cpuBefore = cpu(workers);
			await().atMost(PATIENCE)
				.until(() -> cpu(workers).entrySet()
					.stream()
					.allMatch((worker) -> worker.getValue() >= cpuBefore.get(worker.getKey())
							+ Duration.ofMillis(200).toNanos()));
			assertThat(execution.progress().inFlight()).as(runner.id()).isEqualTo(2);

			execution.stop(StopReason.CANCELLED);
			conductor.interrupt();
			conductor.join(PATIENCE);
			execution.finish();

			assertThat(conductor.isAlive()).as(runner.id()).isFalse();
			assertThat(execution.progress().cancelled()).as(runner.id()).isEqualTo(4);
			assertThat(workers.values()).as(runner.id()).noneMatch(ProcessHandle::isAlive);
			assertThat(ProcessHandle.current().descendants()).as(runner.id()).isEmpty();
			assertThat(this.launcher.live()).as(runner.id()).isZero();
		}
	}

	@Test
	void processesShouldStopAtTheDeadlineAndLeaveNoWorker() throws Exception {
		Execution execution = execution(new SleepWorkload(60_000, 1), 4, 2, 8_000);
		new ProcessesRunner(this.launcher).run(execution);
		execution.finish();

		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		// Precondition: the deadline found two tasks running in their workers.
		assertThat(IntStream.range(0, 4).filter((task) -> execution.log().spawnNanos(task) >= 0)).hasSize(2);
		for (int task = 0; task < 4; task++) {
			assertThat(execution.log().state(task)).isEqualTo(TaskState.CANCELLED);
			assertThat(execution.log().error(task)).contains("deadline of 8000 ms");
		}
		// The run waited until its workers were reaped: every slot is free on return.
		assertThat(this.launcher.live()).isZero();
		await().atMost(PATIENCE).until(() -> ProcessHandle.current().descendants().findAny().isEmpty());
	}

	/** Starts a run on a thread of its own, the conductor. */
	private static Thread conduct(ModeRunner runner, Execution execution) {
		return Thread.ofPlatform().start(() -> {
			try {
				runner.run(execution);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	/**
	 * Waits until two tasks run, each in a live worker it was handed to; returns those
	 * workers by task.
	 */
	private static Map<Integer, ProcessHandle> awaitTwoTasksOnWorkers(Execution execution) {
		long self = ProcessHandle.current().pid();
		await().atMost(PATIENCE)
			.until(() -> execution.progress().inFlight() == 2 && execution.log().processes() && IntStream
				.range(0, execution.tasks())
				.filter((task) -> execution.log().state(task) == TaskState.RUNNING && execution.log().pid(task) != self)
				.count() == 2);
		Map<Integer, ProcessHandle> workers = IntStream.range(0, execution.tasks())
			.filter((task) -> execution.log().state(task) == TaskState.RUNNING && execution.log().pid(task) != self)
			.boxed()
			.collect(Collectors.toMap(Function.identity(),
					(task) -> ProcessHandle.of(execution.log().pid(task)).orElseThrow()));
		assertThat(workers).hasSize(2);
		assertThat(workers.values()).allMatch(ProcessHandle::isAlive);
		return workers;
	}

	private static Map<Integer, Long> cpu(Map<Integer, ProcessHandle> workers) {
		return workers.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey,
					(worker) -> worker.getValue().info().totalCpuDuration().orElseThrow().toNanos()));
	}

	private Execution run(ModeRunner runner, Workload workload, int tasks, int concurrency) throws Exception {
		Execution execution = execution(workload, tasks, concurrency, 120_000);
		runner.run(execution);
		execution.finish();
		return execution;
	}

	private Execution execution(Workload workload, int tasks, int concurrency, long timeoutMillis) {
		return new Execution(workload, tasks, concurrency, timeoutMillis, "lab-test-", LabClock.SYSTEM, this.threads,
				null);
	}

	private static Set<Long> pids(Execution execution, int tasks) {
		return IntStream.range(0, tasks).mapToObj(execution.log()::pid).collect(Collectors.toSet());
	}

	private static List<Long> results(Execution execution, int tasks) {
		return IntStream.range(0, tasks).mapToObj(execution.log()::result).toList();
	}

}
