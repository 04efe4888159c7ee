package dev.concurrencylab.report;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.execution.ManualClock;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

class SummariesTest {

	private final ManualClock clock = new ManualClock();

	private final Ideal ideal = new Ideal(100, "waits");

	@Test
	void summaryShouldDeriveWallOverlapAndPercentilesFromTheTaskLog() {
		Execution execution = execution(4);
		// Tasks 0 and 1 run 0–100 ms together; tasks 2 and 3 run 100–150 and 100–300 ms.
		execution.begin(0);
		execution.begin(1);
		this.clock.advanceMillis(100);
		execution.succeeded(0, 1);
		execution.succeeded(1, 1);
		execution.begin(2);
		execution.begin(3);
		this.clock.advanceMillis(50);
		execution.succeeded(2, 1);
		this.clock.advanceMillis(150);
		execution.succeeded(3, 1);
		execution.finish();

		// Each task alone: 100 ms of work, so four one after another take 400 ms.
		Summary summary = Summaries.of(execution.log(), execution.progress().peakInFlight(), 0, this.ideal,
				100_000_000L, null);

		assertThat(summary.wallMillis()).isEqualTo(300);
		assertThat(summary.succeeded()).isEqualTo(4);
		assertThat(summary.durationMillis().min()).isEqualTo(50);
		assertThat(summary.durationMillis().p50()).isEqualTo(100);
		assertThat(summary.durationMillis().max()).isEqualTo(200);
		assertThat(summary.durationMillis().mean()).isEqualTo(112.5);
		assertThat(summary.overlap()).isEqualTo(1.5);
		assertThat(summary.sequentialEstimateMillis()).isEqualTo(400);
		assertThat(summary.speedup()).isEqualTo(1.33);
		assertThat(summary.peakInFlight()).isEqualTo(2);
		assertThat(summary.queueMillis().max()).isEqualTo(100);
		assertThat(summary.threadsUsed()).isEqualTo(1);
		assertThat(summary.efficiency()).isEqualTo(0.333);
		assertThat(summary.throughputPerSecond()).isEqualTo(13.3);
	}

	@Test
	void failedAndCancelledTasksShouldBeCountedApart() {
		Execution execution = execution(3);
		execution.begin(0);
		this.clock.advanceMillis(10);
		execution.failed(0, new IllegalStateException("boom"));
		execution.begin(1);
		this.clock.advanceMillis(10);
		execution.succeeded(1, 7);
		execution.finish();

		Summary summary = Summaries.of(execution.log(), 1, 0, this.ideal, 10_000_000L, null);

		assertThat(summary.succeeded()).isEqualTo(1);
		assertThat(summary.failed()).isEqualTo(1);
		assertThat(summary.cancelled()).isEqualTo(1);
		assertThat(execution.log().error(0)).isEqualTo("IllegalStateException: boom");
		assertThat(execution.log().error(2)).contains("cancelled");
		// Only the task that succeeded did its work: 1 × 10 ms alone ÷ 20 ms.
		assertThat(summary.sequentialEstimateMillis()).isEqualTo(10);
		assertThat(summary.speedup()).isEqualTo(0.5);
	}

	@Test
	void speedupShouldBeUnknownWhileTheSingleThreadCostIsUnknown() {
		Execution execution = execution(1);
		execution.begin(0);
		this.clock.advanceMillis(10);
		execution.succeeded(0, 1);
		execution.finish();

		Summary summary = Summaries.of(execution.log(), 1, 0, this.ideal, -1, null);

		assertThat(summary.sequentialEstimateMillis()).isNull();
		assertThat(summary.speedup()).isNull();
		assertThat(summary.overlap()).isEqualTo(1.0);
	}

	@Test
	void percentileShouldUseTheNearestRank() {
		long[] sorted = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
		assertThat(Summaries.percentile(sorted, 10, 0.5)).isEqualTo(5);
		assertThat(Summaries.percentile(sorted, 10, 0.9)).isEqualTo(9);
		assertThat(Summaries.percentile(sorted, 10, 0.99)).isEqualTo(10);
		assertThat(Summaries.percentile(sorted, 1, 0.99)).isEqualTo(1);
	}

	private Execution execution(int tasks) {
		return new Execution(new SleepWorkload(0, 1), tasks, tasks, 60_000, "lab-test-", this.clock, new LabThreads(),
				null);
	}

}
