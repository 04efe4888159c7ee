package dev.concurrencylab.execution;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

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
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Project Reactor: {@code Flux.range(0, tasks).flatMap(task, concurrency)}; a wait is
 * {@code Mono.delay} on a timer scheduler, an HTTP call a Mono over the asynchronous
 * client, and computation is subscribed on a scheduler of one thread per core. The
 * schedulers wrap executors this runner owns, so their threads are named and ended with
 * the experiment.
 */
@Component
@Order(6)
class ReactiveRunner implements ModeRunner {

	/** Most inner publishers of one flatMap. */
	static final int FLAT_LIMIT = 1024;

	/** Inner publishers of each flatMap of the tree used when every task is in flight. */
	static final int FAN_OUT = 128;

	@Override
	public String id() {
		return "reactive";
	}

	@Override
	public String description() {
		return "Project Reactor: Flux.flatMap with `concurrency` inner publishers; waits are Mono.delay timers, "
				+ "computation is subscribed on a scheduler of one thread per core, JDBC calls (db) on one thread per "
				+ "pooled connection.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http", "mixed", "db");
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
	public void run(Execution execution) throws InterruptedException {
		ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1,
				execution.resources().platformThreads("reactive-timer"));
		execution.resources().monitored(timerThread, "reactive-timer");
		timerThread.setRemoveOnCancelPolicy(true);
		ExecutorService cpuThreads = Executors.newFixedThreadPool(
				computeParallelism(execution.concurrency(), LabProperties.cores()),
				execution.resources().platformThreads("reactive-cpu"));
		execution.resources().monitored(cpuThreads, "reactive-cpu");
		Scheduler timer = Schedulers.fromExecutorService(timerThread,
				execution.resources().threadName("reactive-timer"));
		Scheduler cpu = Schedulers.fromExecutorService(cpuThreads, execution.resources().threadName("reactive-cpu"));
		ExecutorService jdbc = (execution.workload() instanceof DbWorkload
				|| (execution.workload() instanceof StepsWorkload steps && steps.has(StepsWorkload.Kind.DB)))
						? TimerWaits.jdbcThreads(execution, "reactive-jdbc") : null;
		Threads threads = new Threads(timer, cpu, jdbc);
		Sinks.Many<Integer> arrivals = execution.open() ? Sinks.many().unicast().onBackpressureBuffer() : null;
		Disposable subscription = null;
		try {
			// Subscribing starts tasks: inside the try, so the threads are stopped
			// whatever happens from here.
			subscription = (arrivals != null)
					// Open model: the tasks arrive through a sink, at most concurrency
					// subscribed at once; flatMap's queue is the backlog.
					? arrivals.asFlux()
						.flatMap((task) -> task(execution, task, threads), execution.concurrency(), 1)
						.subscribe()
					: tasks(execution, threads).subscribe();
			if (arrivals != null) {
				for (int task = 0; task < execution.tasks() && execution.arrive(task); task++) {
					arrivals.tryEmitNext(task);
				}
				arrivals.tryEmitComplete();
			}
			execution.awaitTasks();
		}
		finally {
			if (subscription != null) {
				subscription.dispose();
			}
			timer.dispose();
			cpu.dispose();
			if (jdbc != null) {
				execution.resources().shutdown(timerThread, cpuThreads, jdbc);
			}
			else {
				execution.resources().shutdown(timerThread, cpuThreads);
			}
		}
	}

	/**
	 * The threads of one run: its timer, its computation, and for a {@code db} workload
	 * the threads that make its blocking JDBC calls (else null).
	 */
	private record Threads(Scheduler timer, Scheduler cpu, ExecutorService jdbc) {
	}

	/**
	 * All tasks, at most {@code concurrency} subscribed at once. Reactor's
	 * {@code flatMap} does work proportional to its active inner publishers on every
	 * completion, which is quadratic for 10,000 concurrent waits (measured: 1.4 s instead
	 * of 1.0 s); above {@link #FLAT_LIMIT} the tasks are therefore merged in two levels
	 * of about √concurrency each, which keeps the in-flight cap and makes each completion
	 * cheap again. (With √concurrency groups of √concurrency tasks rounded down, 100,000
	 * waits had only 99,856 in flight, and the last 144 waited a whole second more.)
	 */
	private Flux<Void> tasks(Execution execution, Threads threads) {
		int tasks = execution.tasks();
		int concurrency = execution.concurrency();
		if (concurrency <= FLAT_LIMIT) {
			return Flux.range(0, tasks).flatMap((task) -> task(execution, task, threads), concurrency, 1);
		}
		if (concurrency >= tasks) {
			return tree(execution, 0, tasks, threads);
		}
		int group = groupSize(concurrency, tasks);
		int groups = (tasks + group - 1) / group;
		// When every task may be in flight, all groups are; else as many whole groups as
		// the cap allows (the group size divides the cap where it can).
		int groupsInFlight = (concurrency >= tasks) ? groups : Math.max(1, concurrency / group);
		return Flux.range(0, groups)
			.flatMap((g) -> Flux.range(g * group, Math.min(group, tasks - g * group))
				.flatMap((task) -> task(execution, task, threads), group, 1), groupsInFlight, 1);
	}

	/**
	 * Tasks {@code [from, from + count)} all in flight, merged in a tree of flatMaps of
	 * at most {@link #FAN_OUT} inner publishers each, so a completion costs a few small
	 * merges rather than one over thousands (a million waits in two levels of 1,000 took
	 * 5.9 s).
	 */
	private Flux<Void> tree(Execution execution, int from, int count, Threads threads) {
		if (count <= FAN_OUT) {
			return Flux.range(from, count).flatMap((task) -> task(execution, task, threads), count, 1);
		}
		int size = (count + FAN_OUT - 1) / FAN_OUT;
		int children = (count + size - 1) / size;
		return Flux.range(0, children)
			.flatMap((child) -> tree(execution, from + child * size, Math.min(size, count - child * size), threads),
					children, 1);
	}

	/**
	 * About √concurrency; below the task count, a divisor of the concurrency near it if
	 * there is one (so that whole groups fill the cap exactly), else √concurrency, which
	 * keeps in flight at most one group fewer than the cap.
	 */
	static int groupSize(int concurrency, int tasks) {
		int root = (int) Math.ceil(Math.sqrt(concurrency));
		if (concurrency >= tasks) {
			return root;
		}
		for (int divisor = root; divisor >= root / 2; divisor--) {
			if (concurrency % divisor == 0) {
				return divisor;
			}
		}
		return root;
	}

	/**
	 * One task: empty once it has ended. It begins when the flatMap subscribes to it (so
	 * no {@code Mono.defer}), and its result is recorded, not emitted: a value would
	 * travel through every merge above it, and an operator that drops one ({@code then},
	 * {@code ignoreElements}) asks for the subscriber context to find a discard hook,
	 * which walks the whole chain of merges (a sixth of the timer thread's samples at
	 * 1,000,000 waits).
	 */
	private Mono<Void> task(Execution execution, int task, Threads threads) {
		if (!execution.begin(task)) {
			return Mono.empty();
		}
		// One wait (the common case at scale) is the timer alone, whose tick is 0: its
		// result is 1.
		Mono<Void> ended = (execution.workload() instanceof SleepWorkload sleep && sleep.steps() == 1)
				? Mono.delay(Duration.ofMillis(sleep.millis()), threads.timer())
					.flatMap((tick) -> succeededAfterTimer(execution, task, sleep.millis()))
				: work(execution, task, threads).flatMap((result) -> succeeded(execution, task, result));
		return ended.onErrorResume((error) -> {
			execution.failed(task, error);
			return Mono.empty();
		});
	}

	private static Mono<Void> succeededAfterTimer(Execution execution, int task, long millis) {
		execution.succeededAfterTimer(task, 1, TimeUnit.MILLISECONDS.toNanos(millis));
		return Mono.empty();
	}

	private static Mono<Void> succeeded(Execution execution, int task, long result) {
		execution.succeeded(task, result);
		return Mono.empty();
	}

	private Mono<Long> work(Execution execution, int task, Threads threads) {
		return switch (execution.workload()) {
			case SleepWorkload sleep -> Flux.range(0, sleep.steps())
				.concatMap((step) -> delay(execution, task, sleep.millis(), threads.timer()))
				.count();
			case CpuWorkload work -> compute(execution, task, work.iterations(), threads.cpu());
			case MixedWorkload mixed -> compute(execution, task, mixed.iterations(), threads.cpu())
				.delayUntil((result) -> delay(execution, task, mixed.millis(), threads.timer()));
			case HttpWorkload call -> httpCall(execution, task, call.millis());
			case LockWorkload lock -> Mono.error(TimerWaits.noLockHere(id()));
			case DbWorkload db -> future(() -> TimerWaits.query(execution, task, threads.jdbc(), db.millis()));
			case FileWorkload file -> Mono.error(TimerWaits.noFilesHere(id()));
			case StepsWorkload steps ->
				Flux.fromIterable(steps.steps()).concatMap((step) -> step(execution, task, step, threads)).count();
		};
	}

	/** One step of a steps workload; emits one value when it is done. */
	private Mono<Long> step(Execution execution, int task, StepsWorkload.Step step, Threads threads) {
		return switch (step.kind()) {
			case WAIT -> delay(execution, task, step.amount(), threads.timer());
			case CPU -> compute(execution, task, step.amount(), threads.cpu());
			case HTTP -> httpCall(execution, task, step.amount());
			case DB -> future(() -> TimerWaits.query(execution, task, threads.jdbc(), step.amount()));
			case LOCK, FILE -> Mono.error(TimerWaits.noStepHere(id(), step.kind()));
		};
	}

	/** A timer wait, added to the task's waiting phase when it fires. */
	private static Mono<Long> delay(Execution execution, int task, long millis, Scheduler timer) {
		return Mono.defer(() -> {
			long scheduledAt = execution.nanoTime();
			return Mono.delay(Duration.ofMillis(millis), timer)
				.doOnNext((tick) -> execution.timerFired(task, scheduledAt, TimeUnit.MILLISECONDS.toNanos(millis)));
		});
	}

	/** One call over the asynchronous HTTP client. */
	private static Mono<Long> httpCall(Execution execution, int task, long millis) {
		return future(() -> TimerWaits.http(execution, task, millis));
	}

	/**
	 * A future's result. A cancel cancels the future, and the failure that follows (a
	 * cancelled request, an interrupted query) is not an error of anyone's (Reactor would
	 * log it as a dropped error, once per task in flight).
	 */
	private static Mono<Long> future(Supplier<CompletableFuture<Long>> start) {
		return Mono.create((sink) -> {
			CompletableFuture<Long> call = start.get();
			AtomicBoolean cancelled = new AtomicBoolean();
			sink.onCancel(() -> {
				cancelled.set(true);
				call.cancel(true);
			});
			call.whenComplete((result, error) -> {
				if (error == null) {
					sink.success(result);
				}
				else if (!cancelled.get()) {
					sink.error(error);
				}
			});
		});
	}

	private Mono<Long> compute(Execution execution, int task, long iterations, Scheduler cpu) {
		return Mono.fromCallable(() -> {
			execution.onThread(task);
			long cpuBefore = Execution.threadCpuNanos();
			long before = execution.nanoTime();
			try {
				return CpuKernel.compute(iterations);
			}
			finally {
				execution.add(task, Phase.COMPUTING, execution.nanoTime() - before);
				execution.addCpu(task, Execution.threadCpuNanos() - cpuBefore);
			}
		}).subscribeOn(cpu);
	}

}
