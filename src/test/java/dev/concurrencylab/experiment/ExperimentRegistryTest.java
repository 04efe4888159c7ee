package dev.concurrencylab.experiment;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

class ExperimentRegistryTest {

	private static final int TASKS = 1000;

	private final LabThreads threads = new LabThreads();

	private long sequence;

	@Test
	void finishedBeyondTheCountShouldEvictTheOldestFinishedButNeverARunningOne() {
		ExperimentRegistry registry = new ExperimentRegistry(limits(3, DataSize.ofMegabytes(512)));
		Experiment running = running(registry, TASKS);
		List<Experiment> done = List.of(running(registry, TASKS), running(registry, TASKS), running(registry, TASKS),
				running(registry, TASKS), running(registry, TASKS));
		done.forEach((experiment) -> finish(registry, experiment));

		assertThat(running.status()).isEqualTo(ExperimentStatus.RUNNING);
		assertThat(registry.all()).containsExactly(done.get(4), done.get(3), done.get(2), running);
		assertThat(registry.find(done.get(0).id())).isEmpty();
		assertThat(registry.find(done.get(1).id())).isEmpty();
		assertThat(registry.find(running.id())).contains(running);
	}

	@Test
	void finishedBeyondTheBytesShouldEvictTheOldestFinishedButNeverARunningOne() {
		long oneLog = running(new ExperimentRegistry(limits(200, DataSize.ofMegabytes(512))), TASKS).execution()
			.log()
			.retainedBytes();
		ExperimentRegistry registry = new ExperimentRegistry(limits(200, DataSize.ofBytes(oneLog * 5 / 2)));
		Experiment bigAndRunning = running(registry, 100 * TASKS);
		List<Experiment> done = List.of(running(registry, TASKS), running(registry, TASKS), running(registry, TASKS),
				running(registry, TASKS));
		done.forEach((experiment) -> finish(registry, experiment));

		assertThat(bigAndRunning.execution().log().retainedBytes()).isGreaterThan(oneLog * 5 / 2);
		assertThat(registry.all()).containsExactly(done.get(3), done.get(2), bigAndRunning);
		assertThat(registry.finishedBytes()).isEqualTo(2 * oneLog);
	}

	@Test
	void theNewestFinishedShouldBeKeptEvenWhenItAloneExceedsTheBytes() {
		ExperimentRegistry registry = new ExperimentRegistry(limits(200, DataSize.ofBytes(1)));
		Experiment first = running(registry, TASKS);
		Experiment second = running(registry, TASKS);
		finish(registry, first);
		finish(registry, second);

		assertThat(registry.all()).containsExactly(second);
	}

	@Test
	void evictionShouldSubtractTheBytesCountedWhenTheExperimentFinished() {
		ExperimentRegistry registry = new ExperimentRegistry(limits(2, DataSize.ofMegabytes(512)));
		Experiment grows = running(registry, TASKS);
		long counted = grows.execution().log().retainedBytes();
		finish(registry, grows);
		assertThat(registry.finishedBytes()).isEqualTo(counted);
		// A late task ending after the experiment was recorded finished adds messages.
		Execution execution = grows.execution();
		for (int task = 0; task < 100; task++) {
			assertThat(execution.begin(task)).isTrue();
			execution.failed(task, new IllegalStateException("late failure " + task));
		}
		assertThat(execution.log().retainedBytes()).isGreaterThan(counted);

		Experiment second = running(registry, TASKS);
		Experiment third = running(registry, TASKS);
		finish(registry, second);
		finish(registry, third);

		assertThat(registry.find(grows.id())).isEmpty();
		assertThat(registry.finishedBytes())
			.isEqualTo(second.execution().log().retainedBytes() + third.execution().log().retainedBytes());
	}

	@Test
	void anExperimentThatNeverRanShouldCountNoBytes() {
		ExperimentRegistry registry = new ExperimentRegistry(limits(200, DataSize.ofMegabytes(512)));
		Experiment cancelledWhileQueued = new Experiment("q", ++this.sequence, spec(TASKS), Instant.now());
		registry.add(cancelledWhileQueued);
		cancelledWhileQueued.finished(ExperimentStatus.CANCELLED, null, "cancelled", Instant.now());
		registry.finished(cancelledWhileQueued);

		assertThat(registry.finishedBytes()).isZero();
		assertThat(registry.find("q")).contains(cancelledWhileQueued);
	}

	private Experiment running(ExperimentRegistry registry, int tasks) {
		long number = ++this.sequence;
		Experiment experiment = new Experiment("e" + number, number, spec(tasks), Instant.now());
		registry.add(experiment);
		Execution execution = new Execution(new SleepWorkload(1, 1), tasks, 1, 60_000, "lab-e" + number + "-",
				LabClock.SYSTEM, this.threads, null);
		experiment.running(execution, Instant.now());
		return experiment;
	}

	private static void finish(ExperimentRegistry registry, Experiment experiment) {
		experiment.finished(ExperimentStatus.SUCCEEDED, null, null, Instant.now());
		registry.finished(experiment);
	}

	private static ExperimentSpec spec(int tasks) {
		return new ExperimentSpec(null, new SleepWorkload(1, 1), tasks, 1, 60_000, null, Isolation.SHARED);
	}

	private static LabProperties limits(int retainedExperiments, DataSize retainedTimingsMemory) {
		return new LabProperties(1_000_000, 10, 60_000, 100, 10_000_000_000L, 2000, 4, 600_000, 300_000, 600_000,
				30_000, 4, retainedExperiments, retainedTimingsMemory, 100, DataSize.ofKilobytes(64), 100_000, 2000);
	}

}
