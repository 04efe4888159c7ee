package dev.concurrencylab.report;

import java.time.Instant;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;

class IdealTest {

	/** 1.5 cores' worth of capacity on 2 cores; the kernel costs 2 ns an iteration. */
	private static final Capacity CAPACITY = new Capacity(1.5, 2, 1000, 2, 2.67, 2.0, 3, Instant.EPOCH);

	@Test
	void waitsShouldTakeOneWaitPerWaveOfTasksInFlight() {
		assertThat(Ideal.of(new SleepWorkload(1000, 1), 10_000, 10_000, 10_000, CAPACITY).millis()).isEqualTo(1000);
		assertThat(Ideal.of(new SleepWorkload(100, 1), 10_000, 200, 200, CAPACITY).millis()).isEqualTo(5000);
		assertThat(Ideal.of(new SleepWorkload(100, 3), 10, 1, 1, CAPACITY).millis()).isEqualTo(3000);
	}

	@Test
	void computationShouldBeSpreadOverTheMeasuredCapacityNotTheCores() {
		// 8 tasks × 250 ms (125,000,000 iterations × 2 ns) over 1.5 cores' worth.
		Ideal ideal = Ideal.of(new CpuWorkload(125_000_000), 8, 8, 8, CAPACITY);
		assertThat(ideal.millis()).isEqualTo(8 * 250 / 1.5, Offset.offset(0.01));
		assertThat(ideal.formula()).startsWith("computation");
	}

	@Test
	void tasksSharingOneLockShouldHoldItOneAfterAnother() {
		// 1,000 tasks all in flight, each holding the lock for 10 ms of waiting and 2 ms
		// of computation (1,000,000 iterations × 2 ns): 12 s, whatever the concurrency.
		Ideal ideal = Ideal.of(new LockWorkload(LockWorkload.Kind.FAIR, 10, 1_000_000), 1000, 1000, 1000, CAPACITY);
		assertThat(ideal.millis()).isEqualTo(12_000);
		assertThat(ideal.formula()).startsWith("one lock: 1000 × (2.000 ms computing + 10.000 ms waiting)");
	}

	@Test
	void computationShouldNotOverlapWhenTheModeSerialisesIt() {
		assertThat(Ideal.of(new CpuWorkload(125_000_000), 8, 8, 1, CAPACITY).millis()).isEqualTo(2000);
	}

	@Test
	void fewerTasksInFlightThanCapacityShouldLimitTheSpeedup() {
		assertThat(Ideal.of(new CpuWorkload(125_000_000), 8, 8, 1, CAPACITY).millis())
			.isEqualTo(Ideal.of(new CpuWorkload(125_000_000), 8, 1, 1, CAPACITY).millis());
	}

	@Test
	void mixedWorkShouldBeBoundByWavesOrByComputationPlusTheLastWait() {
		// 4 tasks, each 10 ms computing then 1000 ms waiting, all in flight: 40 ms of
		// computing over 1.5 cores' worth, then the last wait.
		assertThat(Ideal.of(new MixedWorkload(1000, 5_000_000), 4, 4, 4, CAPACITY).millis()).isEqualTo(1026.667);
		// Only 1 in flight: four waves of (10 + 1000) ms.
		assertThat(Ideal.of(new MixedWorkload(1000, 5_000_000), 4, 1, 1, CAPACITY).millis()).isEqualTo(4040);
		// Computation serialised (GIL): 100 × 10 ms of computing, then the last wait.
		assertThat(Ideal.of(new MixedWorkload(1000, 5_000_000), 100, 100, 1, CAPACITY).millis()).isEqualTo(2000);
	}

	@Test
	void withoutACapacityMeasurementComputationCountsAsFree() {
		assertThat(Ideal.of(new SleepWorkload(10, 1), 1, 1, 1, null).millis()).isEqualTo(10);
		assertThat(Ideal.of(new CpuWorkload(1000), 1, 1, 1, null).millis()).isZero();
	}

}
