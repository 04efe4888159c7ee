package dev.concurrencylab.execution;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.StepsWorkload;

/**
 * One thread runs every task as callbacks, like Python's asyncio: a wait is a timer on
 * the loop, an HTTP call completes back on the loop, and computation runs on the loop
 * itself, so while one task computes no other task moves. Every callback of this mode
 * runs on the single loop thread, so its state needs no locks.
 */
@Component
@Order(9)
class EventLoopRunner implements ModeRunner {

	@Override
	public String id() {
		return "event-loop";
	}

	@Override
	public String description() {
		return "One thread runs all tasks as callbacks (the asyncio model): thousands of waits overlap on it, "
				+ "but computation blocks the loop, so it never overlaps.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http");
	}

	/** Steps that never block its one thread for long: no query, lock or file. */
	@Override
	public Set<StepsWorkload.Kind> stepKinds() {
		return EnumSet.of(StepsWorkload.Kind.WAIT, StepsWorkload.Kind.CPU, StepsWorkload.Kind.HTTP);
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return tasks;
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return tasks;
	}

	@Override
	public int computeParallelism(int concurrency, int cores) {
		return 1;
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		ScheduledThreadPoolExecutor loop = new ScheduledThreadPoolExecutor(1,
				execution.resources().platformThreads("event-loop"));
		execution.resources().monitored(loop, "event-loop");
		loop.setRemoveOnCancelPolicy(true);
		try {
			LaunchWindow window = new LaunchWindow(execution, (task) -> task(execution, loop, task));
			if (execution.open()) {
				// Tasks are started on the loop as they arrive.
				window.releaseOnSchedule(loop);
			}
			else {
				loop.execute(window::start);
			}
			execution.awaitTasks();
		}
		finally {
			execution.resources().shutdown(loop);
		}
	}

	/** Starts a task on the loop thread; its future completes on the loop thread too. */
	private CompletableFuture<Long> task(Execution execution, ScheduledThreadPoolExecutor loop, int task) {
		return switch (execution.workload()) {
			case SleepWorkload sleep -> TimerWaits.sleep(execution, task, loop, sleep);
			case CpuWorkload work -> CompletableFuture.completedFuture(compute(execution, task, work.iterations()));
			case MixedWorkload mixed -> {
				long result = compute(execution, task, mixed.iterations());
				yield TimerWaits.delay(execution, task, loop, mixed.millis()).thenApply((done) -> result);
			}
			case HttpWorkload call ->
				TimerWaits.http(execution, task, call.millis()).thenApplyAsync((result) -> result, loop);
			case LockWorkload lock -> CompletableFuture.failedFuture(TimerWaits.noLockHere(id()));
			case DbWorkload db -> CompletableFuture.failedFuture(TimerWaits.noJdbcHere(id()));
			case FileWorkload file -> CompletableFuture.failedFuture(TimerWaits.noFilesHere(id()));
			case StepsWorkload steps -> {
				CompletableFuture<Object> chain = CompletableFuture.completedFuture(null);
				for (StepsWorkload.Step step : steps.steps()) {
					chain = chain.thenCompose((previous) -> step(execution, loop, task, step));
				}
				yield chain.thenApply((last) -> (long) steps.steps().size());
			}
		};
	}

	/**
	 * One step of a steps workload, begun on the loop thread; its future completes on the
	 * loop thread too, so the next step begins there.
	 */
	private CompletableFuture<Object> step(Execution execution, ScheduledThreadPoolExecutor loop, int task,
			StepsWorkload.Step step) {
		return switch (step.kind()) {
			case WAIT -> TimerWaits.delay(execution, task, loop, step.amount()).thenApply((done) -> done);
			case CPU -> CompletableFuture.completedFuture(compute(execution, task, step.amount()));
			case HTTP -> TimerWaits.http(execution, task, step.amount()).thenApplyAsync((result) -> result, loop);
			case DB, LOCK, FILE -> CompletableFuture.failedFuture(TimerWaits.noStepHere(id(), step.kind()));
		};
	}

	/** Computes on the loop thread, blocking every other task meanwhile. */
	private static long compute(Execution execution, int task, long iterations) {
		long cpuBefore = Execution.threadCpuNanos();
		long before = execution.nanoTime();
		try {
			return CpuKernel.compute(iterations);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CompletionException(ex);
		}
		finally {
			execution.add(task, Phase.COMPUTING, execution.nanoTime() - before);
			execution.addCpu(task, Execution.threadCpuNanos() - cpuBefore);
		}
	}

}
