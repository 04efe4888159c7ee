package dev.concurrencylab.execution;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.concurrencylab.workload.SleepWorkload;

/**
 * Waits as timers that complete futures: how the non-blocking modes wait without a
 * thread.
 */
final class TimerWaits {

	private TimerWaits() {
	}

	/** Completes on {@code timer}'s thread after {@code millis}. */
	static CompletableFuture<Void> delay(ScheduledExecutorService timer, long millis) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		timer.schedule(() -> done.complete(null), millis, TimeUnit.MILLISECONDS);
		return done;
	}

	/** A sleep task's waits one after another; completes with its result (the steps). */
	static CompletableFuture<Long> sleep(ScheduledExecutorService timer, SleepWorkload sleep) {
		CompletableFuture<Void> waits = delay(timer, sleep.millis());
		for (int step = 1; step < sleep.steps(); step++) {
			waits = waits.thenCompose((done) -> delay(timer, sleep.millis()));
		}
		return waits.thenApply((done) -> (long) sleep.steps());
	}

}
