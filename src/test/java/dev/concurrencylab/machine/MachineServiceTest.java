package dev.concurrencylab.machine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabClock;
import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.Isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calibrations asked for over HTTP wait for the machine without holding a thread each.
 */
class MachineServiceTest {

	private final AdmissionGate gate = new AdmissionGate(4, LabClock.SYSTEM);

	private final MachineService machine = new MachineService(LabClock.SYSTEM, this.gate);

	@AfterEach
	void stop() throws InterruptedException {
		this.machine.stop();
	}

	@Test
	void requestsMadeWhileACalibrationWaitsForTheMachineShouldShareItsMeasurement() throws Exception {
		AdmissionGate.Ticket busy = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		CompletableFuture<Capacity> first = this.machine.calibrateWhenFree();
		CompletableFuture<Capacity> second = this.machine.calibrateWhenFree();
		Awaits.awaitUntil("the calibration waiting at the gate", () -> this.gate.waiting() == 1);
		assertThat(first).isNotDone();
		assertThat(second).isNotDone();

		busy.close();

		assertThat(first.get()).isSameAs(second.get());
		assertThat(this.machine.currentCapacity()).isSameAs(first.get());
		assertThat(first.get().parallelCapacity()).isPositive();
		Awaits.awaitUntil("the machine free again", () -> this.gate.active() == 0 && this.gate.waiting() == 0);
	}

	@Test
	void aCalibrationStillWaitingAtShutdownShouldFailAndLeaveNoThread() throws InterruptedException {
		AdmissionGate.Ticket busy = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		CompletableFuture<Capacity> waiting = this.machine.calibrateWhenFree();
		Awaits.awaitUntil("the calibration waiting at the gate", () -> this.gate.waiting() == 1);

		this.machine.stop();

		assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(CalibrationStoppedException.class);
		assertThat(this.gate.waiting()).isZero();
		assertThat(this.machine.calibrationThreadEnded()).isTrue();
		assertThatThrownBy(() -> this.machine.calibrateWhenFree().get())
			.hasCauseInstanceOf(CalibrationStoppedException.class);
		busy.close();
	}

}
