package dev.concurrencylab.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

import org.springframework.stereotype.Component;

import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.execution.Modes;
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

	/** Tasks in flight per mode, across experiments. */
	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	LabMetrics(MeterRegistry registry, Modes modes, WorkerLauncher launcher, LabThreads threads) {
		this.registry = registry;
		Gauge.builder(EXPERIMENTS_ACTIVE, this.active, AtomicInteger::get)
			.description("Experiments running now")
			.register(registry);
		for (ModeRunner mode : modes.all()) {
			AtomicInteger count = new AtomicInteger();
			this.inFlight.put(mode.id(), count);
			Gauge.builder(TASKS_IN_FLIGHT, count, AtomicInteger::get)
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

	/** Counts an experiment that started. */
	public void experimentStarted() {
		this.active.incrementAndGet();
	}

	/** Counts an experiment that ended, with how it ended and how long it took. */
	public void experimentFinished(String mode, String workload, String outcome, long wallNanos) {
		this.active.decrementAndGet();
		Counter.builder(EXPERIMENTS)
			.description("Experiments finished")
			.tags("mode", mode, "workload", workload, "outcome", outcome.toLowerCase(Locale.ROOT))
			.register(this.registry)
			.increment();
		Timer.builder(EXPERIMENT_DURATION)
			.description("Wall time of experiments")
			.tags("mode", mode, "workload", workload)
			.register(this.registry)
			.record(wallNanos, TimeUnit.NANOSECONDS);
	}

	/** The observer of one experiment's tasks and executors. */
	public TaskObserver observe(String mode, String workload, int slot) {
		return new ExperimentObserver(mode, workload, slot);
	}

	private final class ExperimentObserver implements TaskObserver {

		private final Timer duration;

		private final Timer queue;

		private final AtomicInteger inFlight;

		private final Tags executorTags;

		/** Meters bound to this experiment's executors, removed when it ends. */
		private final List<Meter> executorMeters = new CopyOnWriteArrayList<>();

		ExperimentObserver(String mode, String workload, int slot) {
			this.duration = Timer.builder(TASK_DURATION)
				.description("Task duration, start to end")
				.tags("mode", mode, "workload", workload)
				.serviceLevelObjectives(TASK_BUCKETS)
				.register(LabMetrics.this.registry);
			this.queue = Timer.builder(TASK_QUEUE)
				.description("Time from submission to start")
				.tags("mode", mode, "workload", workload)
				.register(LabMetrics.this.registry);
			this.inFlight = LabMetrics.this.inFlight.computeIfAbsent(mode, (m) -> new AtomicInteger());
			this.executorTags = Tags.of("mode", mode, "slot", Integer.toString(slot));
		}

		@Override
		public void started(long queueNanos) {
			this.inFlight.incrementAndGet();
			this.queue.record(queueNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void ended(long durationNanos) {
			this.inFlight.decrementAndGet();
			this.duration.record(durationNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void abandoned() {
			this.inFlight.decrementAndGet();
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
