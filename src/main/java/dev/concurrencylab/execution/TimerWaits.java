package dev.concurrencylab.execution;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.concurrencylab.workload.DbPool;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.StepsWorkload;

/**
 * Waits as timers that complete futures: how the non-blocking modes wait without a
 * thread. Each wait is added to its task's waiting phase when its timer fires.
 */
final class TimerWaits {

	private TimerWaits() {
	}

	/** Completes on {@code timer}'s thread after {@code millis}. */
	static CompletableFuture<Void> delay(Execution execution, int task, ScheduledExecutorService timer, long millis) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		long scheduledAt = execution.nanoTime();
		timer.schedule(() -> {
			execution.timerFired(task, scheduledAt, TimeUnit.MILLISECONDS.toNanos(millis));
			done.complete(null);
		}, millis, TimeUnit.MILLISECONDS);
		return done;
	}

	/** A sleep task's waits one after another; completes with its result (the steps). */
	static CompletableFuture<Long> sleep(Execution execution, int task, ScheduledExecutorService timer,
			SleepWorkload sleep) {
		CompletableFuture<Void> waits = delay(execution, task, timer, sleep.millis());
		for (int step = 1; step < sleep.steps(); step++) {
			waits = waits.thenCompose((done) -> delay(execution, task, timer, sleep.millis()));
		}
		return waits.thenApply((done) -> (long) sleep.steps());
	}

	/**
	 * Why a callback mode runs no lock workload (the request validation refuses it
	 * before): its tasks would block the very threads that run every other task.
	 */
	static IllegalStateException noLockHere(String mode) {
		return new IllegalStateException("mode " + mode + " runs no lock workload: waiting for a lock would block "
				+ "the threads that run every other task");
	}

	/**
	 * Why a callback mode runs no file workload (the request validation refuses it
	 * before): file I/O blocks the thread that makes it.
	 */
	static IllegalStateException noFilesHere(String mode) {
		return new IllegalStateException(
				"mode " + mode + " runs no file workload: file I/O blocks the thread " + "that makes it");
	}

	/**
	 * Why a mode runs no step of a kind (the request validation refuses it before).
	 */
	static IllegalStateException noStepHere(String mode, StepsWorkload.Kind kind) {
		return new IllegalStateException("mode " + mode + " runs no '" + kind.key() + "' step");
	}

	/**
	 * Why the event loop runs no db workload (the request validation refuses it before):
	 * a JDBC call would block its only thread.
	 */
	static IllegalStateException noJdbcHere(String mode) {
		return new IllegalStateException("mode " + mode + " runs no db workload: a JDBC call blocks the thread "
				+ "that makes it, and the loop has one");
	}

	/**
	 * A {@code db} task's query handed to {@code jdbc}, one of the threads a callback
	 * mode keeps for blocking JDBC calls (as many as the pool has connections). Its pool
	 * wait counts from now, so it includes the wait for such a thread.
	 */
	static CompletableFuture<Long> query(Execution execution, int task, ExecutorService jdbc, long millis) {
		long asked = execution.nanoTime();
		DbPool pool = execution.resources().database();
		return CompletableFuture.supplyAsync(() -> {
			execution.onThread(task);
			try {
				return pool.query(task, millis, asked, execution);
			}
			catch (SQLException ex) {
				throw new CompletionException(ex);
			}
		}, jdbc);
	}

	/** The threads a callback mode keeps for JDBC calls: one per pooled connection. */
	static ExecutorService jdbcThreads(Execution execution, String role) {
		return execution.resources()
			.monitored(Executors.newFixedThreadPool(execution.resources().database().size(),
					execution.resources().platformThreads(role)), role);
	}

	/**
	 * An HTTP call's answer: its time until the answer arrived (on the client's thread)
	 * is the task's wait, recorded before anything continues the task. Cancelling the
	 * returned future cancels the request.
	 */
	static CompletableFuture<Long> http(Execution execution, int task, long millis) {
		long before = execution.nanoTime();
		CompletableFuture<Long> call = execution.resources().delayCallAsync(millis);
		CompletableFuture<Long> answer = new CompletableFuture<>();
		call.whenComplete((result, error) -> {
			execution.add(task, Phase.WAITING, execution.nanoTime() - before);
			if (error == null) {
				answer.complete(result);
			}
			else {
				answer.completeExceptionally(error);
			}
		});
		answer.whenComplete((result, error) -> {
			if (answer.isCancelled()) {
				call.cancel(true);
			}
		});
		return answer;
	}

}
