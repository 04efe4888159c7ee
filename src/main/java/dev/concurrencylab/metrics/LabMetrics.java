package dev.concurrencylab.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

import org.springframework.stereotype.Component;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;
import dev.concurrencylab.execution.TaskObserver;
import dev.concurrencylab.worker.WorkerLauncher;

/**
 * Every meter of the lab, named in one place. Tags are bounded: mode, workload type,
 * outcome, an executor's role, and the experiment's slot (0 to
 * {@code lab.max-running-experiments} − 1) — never an experiment id or label.
 */
@Component
public class LabMetrics {

	static final String EXPERIMENTS = "lab.experiments";

	static final String EXPERIMENT_DURATION = "lab.experiment.duration";

	static final String TASK_DURATION = "lab.task.duration";

	static final String TASK_QUEUE = "lab.task.queue";

	static final String EXPERIMENTS_ACTIVE = "lab.experiments.active";

	static final String EXPERIMENTS_REFUSED = "lab.experiments.refused";

	static final String TASKS_IN_FLIGHT = "lab.tasks.inflight";

	static final String WORKER_PROCESSES = "lab.worker.processes";

	static final String WORKER_SPAWN = "lab.worker.spawn";

	static final String THREADS_LIVE = "lab.threads.live";

	/**
	 * Histogram buckets of task durations, 1 ms to 60 s in 1-2-5 steps: enough for
	 * {@code histogram_quantile} and a sixth of the series of Micrometer's default
	 * percentile histogram (a scrape after 1,000 experiments in every mode and workload
	 * measured 418 KB before and 138 KB after).
	 */
	static final Duration[] TASK_BUCKETS = Stream
		.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000)
		.map(Duration::ofMillis)
		.toArray(Duration[]::new);

	private final MeterRegistry registry;

	private final AtomicInteger active = new AtomicInteger();

	private final Counter refused;

	private final Timer storeWrites;

	private final DistributionSummary storedLogBytes;

	/** Runs under way per mode, read by the tasks-in-flight gauge. */
	private final Map<String, Set<Execution>> running = new ConcurrentHashMap<>();

	/** The task timers of each mode and workload, made once. */
	private final Map<String, TaskTimers> taskTimers = new ConcurrentHashMap<>();

	LabMetrics(MeterRegistry registry, Modes modes, WorkerLauncher launcher, LabThreads threads) {
		this.registry = registry;
		Gauge.builder(EXPERIMENTS_ACTIVE, this.active, AtomicInteger::get)
			.description("Experiments running now")
			.register(registry);
		this.refused = Counter.builder(EXPERIMENTS_REFUSED)
			.description("POST /experiments answered 429: the most experiments allowed were queued or running")
			.register(registry);
		this.storeWrites = Timer.builder("lab.store.writes")
			.description("Time to write a finished experiment (its view and compressed task log) to the store")
			.register(registry);
		this.storedLogBytes = DistributionSummary.builder("lab.store.log.bytes")
			.description("Bytes a finished experiment's compressed task log takes in the store")
			.baseUnit("bytes")
			.register(registry);
		for (ModeRunner mode : modes.all()) {
			Set<Execution> runs = ConcurrentHashMap.newKeySet();
			this.running.put(mode.id(), runs);
			Gauge.builder(TASKS_IN_FLIGHT, runs, LabMetrics::inFlight)
				.description("Tasks running now")
				.tag("mode", mode.id())
				.register(registry);
		}
		Gauge.builder(WORKER_PROCESSES, launcher, WorkerLauncher::live)
			.description("Worker processes alive now")
			.register(registry);
		Timer spawn = Timer.builder(WORKER_SPAWN)
			.description("Time from launching a worker process until it is ready")
			.register(registry);
		launcher.onSpawn((nanos) -> spawn.record(nanos, TimeUnit.NANOSECONDS));
		Gauge.builder(THREADS_LIVE, threads, LabThreads::live)
			.description("Threads made for experiments and alive now")
			.register(registry);
	}

	private static double inFlight(Set<Execution> runs) {
		int sum = 0;
		for (Execution run : runs) {
			sum += run.inFlight();
		}
		return sum;
	}

	/** Records a finished experiment written to the store. */
	public void experimentStored(long logBytes, long nanos) {
		this.storeWrites.record(nanos, TimeUnit.NANOSECONDS);
		this.storedLogBytes.record(logBytes);
	}

	/** Counts a POST refused with 429 because the service was full. */
	public void experimentRefused() {
		this.refused.increment();
	}

	/** Counts a run that started; its tasks in flight count until it finishes. */
	public void experimentStarted(String mode, Execution execution) {
		this.active.incrementAndGet();
		this.running.computeIfAbsent(mode, (m) -> ConcurrentHashMap.newKeySet()).add(execution);
	}

	/**
	 * Counts a run that ended, with how it ended and how long it took, and records the
	 * queue time and duration of each of its tasks from its log. The task timers are
	 * filled here, once the run is over, never by the tasks themselves: recording a timer
	 * costs a few contended updates (at 1,000,000 waits they took an eighth of the timer
	 * thread that completes them), which would pass for the model's cost.
	 */
	public void experimentFinished(String mode, String workload, String outcome, Execution execution) {
		this.active.decrementAndGet();
		Set<Execution> runs = this.running.get(mode);
		if (runs != null) {
			runs.remove(execution);
		}
		Counter.builder(EXPERIMENTS)
			.description("Experiments finished")
			.tags("mode", mode, "workload", workload, "outcome", outcome.toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
		Timer.builder(EXPERIMENT_DURATION)
			.description("Wall time of experiments")
			.tags("mode", mode, "workload", workload)
			.register(this.registry)
			.record(execution.elapsedNanos(), TimeUnit.NANOSECONDS);
		TaskTimers timers = this.taskTimers.computeIfAbsent(mode + " " + workload,
				(key) -> new TaskTimers(mode, workload, this.registry));
		TaskLog log = execution.log();
		for (int task = 0; task < log.size(); task++) {
			if (log.threadId(task) == 0) {
				continue; // never started
			}
			timers.queue().record(Math.max(0, log.startNanos(task) - log.queuedNanos(task)), TimeUnit.NANOSECONDS);
			TaskState state = log.state(task);
			if (state == TaskState.SUCCEEDED || state == TaskState.FAILED) {
				timers.duration().record(log.endNanos(task) - log.startNanos(task), TimeUnit.NANOSECONDS);
			}
		}
	}

	/** The observer of one experiment's executors. */
	public TaskObserver observe(String mode, int slot) {
		return new ExperimentObserver(mode, slot);
	}

	/** The two task timers of one mode and workload. */
	private record TaskTimers(Timer duration, Timer queue) {

		TaskTimers(String mode, String workload, MeterRegistry registry) {
			this(Timer.builder(TASK_DURATION)
				.description("Task duration, start to end")
				.tags("mode", mode, "workload", workload)
				.serviceLevelObjectives(TASK_BUCKETS)
				.register(registry),
					Timer.builder(TASK_QUEUE)
						.description("Time from submission to start")
						.tags("mode", mode, "workload", workload)
						.register(registry));
		}

	}

	private final class ExperimentObserver implements TaskObserver {

		private final Tags executorTags;

		/** Meters bound to this experiment's executors, removed when it ends. */
		private final List<Meter> executorMeters = new CopyOnWriteArrayList<>();

		ExperimentObserver(String mode, int slot) {
			this.executorTags = Tags.of("mode", mode, "slot", Integer.toString(slot));
		}

		@Override
		public void executor(ExecutorService executor, String role) {
			String name = "lab." + role;
			new ExecutorServiceMetrics(executor, name, this.executorTags).bindTo(LabMetrics.this.registry);
			Tags identity = this.executorTags.and("name", name);
			for (Meter meter : LabMetrics.this.registry.getMeters()) {
				if (hasTags(meter, identity)) {
					this.executorMeters.add(meter);
				}
			}
		}

		@Override
		public void finished() {
			for (Meter meter : this.executorMeters) {
				LabMetrics.this.registry.remove(meter);
			}
			this.executorMeters.clear();
		}

		private static boolean hasTags(Meter meter, Tags tags) {
			for (Tag tag : tags) {
				if (!tag.getValue().equals(meter.getId().getTag(tag.getKey()))) {
					return false;
				}
			}
			return true;
		}

	}

}
