package dev.concurrencylab.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The launcher's slots and a worker's one way to end, with stand-in workers (a shell that
 * says READY and then reads its input until it ends): every slot is given back exactly
 * once, however the worker ends, and no process is left.
 */
class WorkerLauncherTest {

	/** Says READY, then swallows requests until its input closes (EXIT closes it). */
	private static final WorkerCommand QUIET_WORKER = new WorkerCommand(
			List.of("/bin/sh", "-c", "echo READY; exec cat >/dev/null"));

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final ThreadFactory drains = Thread.ofPlatform().daemon().name("test-stderr-", 0).factory();

	private final AtomicInteger ends = new AtomicInteger();

	@AfterEach
	void noProcessIsLeft() {
		await().atMost(PATIENCE).until(() -> ProcessHandle.current().descendants().findAny().isEmpty());
	}

	@Test
	void aLeaseShouldBeReleasedExactlyOnceWhenCloseAndKillRace() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> QUIET_WORKER);
		for (int round = 0; round < 20; round++) {
			WorkerProcess worker = launch(launcher);
			assertThat(launcher.freeSlots()).isZero();
			CountDownLatch go = new CountDownLatch(1);
			Thread closer = Thread.ofPlatform().start(() -> awaitThen(go, worker::close));
			Thread killer = Thread.ofPlatform().start(() -> awaitThen(go, worker::kill));
			go.countDown();
			closer.join(PATIENCE);
			killer.join(PATIENCE);

			assertThat(closer.isAlive() || killer.isAlive()).isFalse();
			// Both returned only once the worker was reaped and its slot given back once.
			assertThat(ProcessHandle.of(worker.pid()).filter(ProcessHandle::isAlive)).isEmpty();
			assertThat(this.ends.get()).isEqualTo(round + 1);
			assertThat(launcher.freeSlots()).isEqualTo(1);
			assertThat(launcher.live()).isZero();
		}
	}

	@Test
	void endingAgainShouldChangeNothing() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(2, () -> QUIET_WORKER);
		WorkerProcess worker = launch(launcher);
		worker.requestExit();
		worker.close();
		worker.kill();
		worker.close();

		assertThat(this.ends.get()).isEqualTo(1);
		assertThat(launcher.freeSlots()).isEqualTo(2);
		assertThat(worker.spawnCpuNanos()).isNotNegative();
	}

	@Test
	void aWorkerLetGoShouldGiveItsSlotBackOnceItExits() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> QUIET_WORKER);
		WorkerProcess worker = launch(launcher);
		worker.requestExit();

		await().atMost(PATIENCE).until(() -> launcher.freeSlots() == 1);
		assertThat(this.ends.get()).isEqualTo(1);
		assertThat(launcher.live()).isZero();
		// The next launch gets the slot.
		launch(launcher).close();
		assertThat(launcher.freeSlots()).isEqualTo(1);
	}

	@Test
	void aWorkerThatCannotStartShouldGiveItsSlotBack() {
		WorkerLauncher missing = new WorkerLauncher(1,
				() -> new WorkerCommand(List.of("/nonexistent/java-for-a-test")));
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> launch(missing))
			.withMessageContaining("could not start a worker process");
		assertThat(missing.freeSlots()).isEqualTo(1);
		assertThat(missing.live()).isZero();

		WorkerLauncher quitter = new WorkerLauncher(1,
				() -> new WorkerCommand(List.of("/bin/sh", "-c", "echo leaving >&2; exit 3")));
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> launch(quitter))
			.withMessageContaining("ended before it was ready")
			.withMessageContaining("exit code 3")
			.withMessageContaining("leaving");
		assertThat(quitter.freeSlots()).isEqualTo(1);
		assertThat(quitter.live()).isZero();
		assertThat(this.ends.get()).isEqualTo(1);
	}

	@Test
	void killAllShouldKillAndReapEveryWorker() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(3, () -> QUIET_WORKER);
		List<WorkerProcess> workers = List.of(launch(launcher), launch(launcher));
		assertThat(launcher.live()).isEqualTo(2);

		launcher.killAll();

		assertThat(launcher.live()).isZero();
		assertThat(launcher.freeSlots()).isEqualTo(3);
		assertThat(this.ends.get()).isEqualTo(2);
		assertThat(workers).allSatisfy(
				(worker) -> assertThat(ProcessHandle.of(worker.pid()).filter(ProcessHandle::isAlive)).isEmpty());
	}

	@Test
	void aLaunchWaitingForASlotWhenTheServiceStopsShouldStartNoWorker() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> QUIET_WORKER);
		launch(launcher);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread waiting = Thread.ofPlatform().start(() -> {
			try {
				launch(launcher).close();
			}
			catch (InterruptedException | WorkerException | RuntimeException ex) {
				failure.set(ex);
			}
		});
		await().atMost(PATIENCE).until(() -> waiting.getState() == Thread.State.WAITING);
		assertThat(launcher.live()).isEqualTo(1);

		// Killing the live worker frees its slot, which the waiting launch then takes.
		launcher.killAll();

		await().atMost(PATIENCE).until(() -> !waiting.isAlive());
		assertThat(failure.get()).isInstanceOf(WorkerException.class).hasMessageContaining("stopping");
		assertThat(launcher.live()).isZero();
		assertThat(launcher.freeSlots()).isEqualTo(1);
		assertThat(this.ends.get()).isEqualTo(1);
	}

	@Test
	void aLaunchBeyondTheCapShouldWaitForASlot() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> QUIET_WORKER);
		WorkerProcess first = launch(launcher);
		CountDownLatch launched = new CountDownLatch(1);
		Thread second = Thread.ofPlatform().start(() -> {
			try {
				launch(launcher).close();
				launched.countDown();
			}
			catch (InterruptedException | WorkerException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(PATIENCE).until(() -> second.getState() == Thread.State.WAITING);
		assertThat(launched.getCount()).isEqualTo(1);
		assertThat(launcher.live()).isEqualTo(1);

		first.close();
		second.join(PATIENCE);

		assertThat(launched.getCount()).isZero();
		assertThat(launcher.freeSlots()).isEqualTo(1);
	}

	private WorkerProcess launch(WorkerLauncher launcher) throws InterruptedException, WorkerException {
		return launcher.launch(this.drains, System::nanoTime, (worker) -> this.ends.incrementAndGet());
	}

	private static void awaitThen(CountDownLatch go, Runnable action) {
		try {
			go.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		action.run();
	}

}
