package dev.concurrencylab.isolation;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.LabClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class AdmissionGateTest {

	private final AdmissionGate gate = new AdmissionGate(2, LabClock.SYSTEM);

	@Test
	void anExclusiveRunShouldWaitUntilNothingElseIsActive() {
		AdmissionGate.Ticket shared = this.gate.enqueue("experiment", Isolation.SHARED);
		AdmissionGate.Ticket exclusive = this.gate.enqueue("comparison", Isolation.EXCLUSIVE);

		assertThat(shared.isAdmitted()).isTrue();
		assertThat(exclusive.isAdmitted()).isFalse();
		shared.close();
		assertThat(exclusive.isAdmitted()).isTrue();
		assertThat(exclusive.otherRuns()).isZero();
	}

	@Test
	void nothingShouldStartWhileAnExclusiveRunIsActiveAndTheQueueShouldBeFirstInFirstOut() {
		AdmissionGate.Ticket exclusive = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		AdmissionGate.Ticket shared = this.gate.enqueue("experiment", Isolation.SHARED);
		AdmissionGate.Ticket second = this.gate.enqueue("calibration", Isolation.EXCLUSIVE);
		AdmissionGate.Ticket late = this.gate.enqueue("experiment", Isolation.SHARED);

		assertThat(exclusive.isAdmitted()).isTrue();
		assertThat(shared.isAdmitted()).isFalse();
		exclusive.close();
		// The shared run came before the second exclusive one, the late one after it.
		assertThat(shared.isAdmitted()).isTrue();
		assertThat(second.isAdmitted()).isFalse();
		assertThat(late.isAdmitted()).isFalse();
		shared.close();
		assertThat(second.isAdmitted()).isTrue();
		assertThat(late.isAdmitted()).isFalse();
		second.close();
		assertThat(late.isAdmitted()).isTrue();
		late.close();
		assertThat(this.gate.active()).isZero();
		assertThat(this.gate.waiting()).isZero();
	}

	@Test
	void sharedRunsShouldOverlapUpToTheLimitAndKnowEachOther() {
		AdmissionGate.Ticket first = this.gate.enqueue("experiment", Isolation.SHARED);
		first.activity((from, to) -> 7);
		AdmissionGate.Ticket second = this.gate.enqueue("experiment", Isolation.SHARED);
		second.activity((from, to) -> 11);
		AdmissionGate.Ticket third = this.gate.enqueue("experiment", Isolation.SHARED);

		assertThat(first.isAdmitted()).isTrue();
		assertThat(second.isAdmitted()).isTrue();
		assertThat(third.isAdmitted()).isFalse();
		assertThat(first.otherRuns()).isEqualTo(1);
		assertThat(second.otherRuns()).isEqualTo(1);
		assertThat(first.otherRunsBusyNanos(LabClock.SYSTEM.nanoTime())).isEqualTo(11);
		assertThat(second.otherRunsBusyNanos(LabClock.SYSTEM.nanoTime())).isEqualTo(7);
		first.close();
		assertThat(first.isAdmitted()).as("a closed ticket holds no place").isFalse();
		assertThat(third.isAdmitted()).isTrue();
		assertThat(third.otherRuns()).isEqualTo(1);
		// The first run ended: the second keeps what it kept busy, and counts the third.
		assertThat(second.otherRuns()).isEqualTo(2);
		assertThat(second.otherRunsBusyNanos(LabClock.SYSTEM.nanoTime())).isEqualTo(7);
	}

	@Test
	void anInterruptedWaitShouldLeaveTheQueue() throws InterruptedException {
		AdmissionGate.Ticket running = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		AdmissionGate.Ticket queued = this.gate.enqueue("experiment", Isolation.SHARED);
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread waiter = Thread.ofPlatform().start(() -> {
			try {
				queued.awaitAdmission();
			}
			catch (InterruptedException ex) {
				outcome.set(ex);
			}
		});
		await().until(() -> waiter.getState() == Thread.State.WAITING);
		waiter.interrupt();
		waiter.join();

		assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
		assertThat(this.gate.waiting()).isZero();
		running.close();
		assertThat(queued.isAdmitted()).isFalse();
		assertThat(this.gate.active()).isZero();
	}

	@Test
	void closingTwiceShouldFreeTheMachineOnce() {
		AdmissionGate.Ticket first = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		AdmissionGate.Ticket next = this.gate.enqueue("experiment", Isolation.EXCLUSIVE);
		first.close();
		first.close();
		assertThat(next.isAdmitted()).isTrue();
		assertThat(this.gate.active()).isEqualTo(1);
	}

	@Test
	void anIsolationShouldBeNamedAsInRequests() {
		assertThat(Isolation.of("exclusive")).contains(Isolation.EXCLUSIVE);
		assertThat(Isolation.of("shared")).contains(Isolation.SHARED);
		assertThat(Isolation.of("EXCLUSIVE")).isEmpty();
		assertThat(Isolation.defaultFor(true)).isEqualTo(Isolation.EXCLUSIVE);
		assertThat(Isolation.defaultFor(false)).isEqualTo(Isolation.SHARED);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Isolation.valueOf("nope"));
	}

}
