package dev.concurrencylab.execution;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * A CompletableFuture pipeline: a wait is a timer that completes a future, an HTTP call
 * is {@code HttpClient.sendAsync}, and computation runs on a bounded pool of one thread
 * per core. No thread ever blocks on a task, except JDBC's: a {@code db} query runs on
 * one of as many threads as the pool has connections, since JDBC has no other way.
 */
@Component
@Order(5)
class AsyncRunner implements ModeRunner {

	@Override
	public String id() {
		return "async";
	}

	@Override
	public String description() {
		return "CompletableFuture pipelines: waits are timers and HTTP calls are asynchronous, so no thread blocks; "
				+ "computation runs on a pool of one thread per core, and JDBC calls (db) on one thread per pooled "
				+ "connection.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http", "mixed", "db");
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
		return Math.min(concurrency, cores);
	}

	@Override
	public boolean callsJdbc() {
		return true;
	}

	/** No lock or file step: either would block the threads every task shares. */
	@Override
	public Set<StepsWorkload.Kind> stepKinds() {
		return EnumSet.of(StepsWorkload.Kind.WAIT, StepsWorkload.Kind.CPU, StepsWorkload.Kind.HTTP,
				StepsWorkload.Kind.DB);
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				execution.resources().platformThreads("async-timer"));
		execution.resources().monitored(timer, "async-timer");
		timer.setRemoveOnCancelPolicy(true);
		ExecutorService cpu = Executors.newFixedThreadPool(
				computeParallelism(execution.concurrency(), LabProperties.cores()),
				execution.resources().platformThreads("async-cpu"));
		execution.resources().monitored(cpu, "async-cpu");
		ExecutorService jdbc = (execution.workload() instanceof DbWorkload
				|| (execution.workload() instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.DB)))
						? TimerWaits.jdbcThreads(execution, "async-jdbc") : null;
		Pipeline pipeline = new Pipeline(execution, timer, cpu, jdbc);
		try {
			LaunchWindow window = new LaunchWindow(execution, pipeline::task);
			if (execution.open()) {
				window.releaseOnSchedule(Runnable::run);
			}
			else {
				window.start();
			}
			execution.awaitTasks();
		}
		finally {
			if (jdbc != null) {
				execution.resources().shutdown(timer, cpu, jdbc);
			}
			else {
				execution.resources().shutdown(timer, cpu);
			}
		}
	}

	/** The futures of one task. */
	private record Pipeline(Execution execution, ScheduledThreadPoolExecutor timer, ExecutorService cpu,
			ExecutorService jdbc) {

		CompletableFuture<Long> task(int task) {
			return switch (this.execution.workload()) {
				case SleepWorkload sleep -> TimerWaits.sleep(this.execution, task, this.timer, sleep);
				case CpuWorkload work -> compute(task, work.iterations());
				case MixedWorkload mixed -> compute(task, mixed.iterations())
					.thenCompose((result) -> TimerWaits.delay(this.execution, task, this.timer, mixed.millis())
						.thenApply((done) -> result));
				case HttpWorkload call -> TimerWaits.http(this.execution, task, call.millis());
				case LockWorkload lock -> CompletableFuture.failedFuture(TimerWaits.noLockHere("async"));
				case DbWorkload db -> TimerWaits.query(this.execution, task, this.jdbc, db.millis());
				case FileWorkload file -> CompletableFuture.failedFuture(TimerWaits.noFilesHere("async"));
				case StepsWorkload steps -> steps(task, steps);
			};
		}

		/** The steps one after another, each a future; completes with how many. */
		private CompletableFuture<Long> steps(int task, StepsWorkload steps) {
			CompletableFuture<Object> chain = CompletableFuture.completedFuture(null);
			for (StepsWorkload.Step step : steps.steps()) {
				chain = chain.thenCompose((previous) -> step(task, step));
			}
			return chain.thenApply((last) -> (long) steps.steps().size());
		}

		private CompletableFuture<Object> step(int task, StepsWorkload.Step step) {
			CompletableFuture<?> done = switch (step.kind()) {
				case WAIT -> TimerWaits.delay(this.execution, task, this.timer, step.amount());
				case CPU -> compute(task, step.amount());
				case HTTP -> TimerWaits.http(this.execution, task, step.amount());
				case DB -> TimerWaits.query(this.execution, task, this.jdbc, step.amount());
				case LOCK, FILE -> CompletableFuture.failedFuture(TimerWaits.noStepHere("async", step.kind()));
			};
			return done.thenApply((result) -> result);
		}

		private CompletableFuture<Long> compute(int task, long iterations) {
			return CompletableFuture.supplyAsync(() -> {
				this.execution.onThread(task);
				long cpuBefore = Execution.threadCpuNanos();
				long before = this.execution.nanoTime();
				try {
					return CpuKernel.compute(iterations);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new CompletionException(ex);
				}
				finally {
					this.execution.add(task, Phase.COMPUTING, this.execution.nanoTime() - before);
					this.execution.addCpu(task, Execution.threadCpuNanos() - cpuBefore);
				}
			}, this.cpu);
		}

	}

}
