package dev.concurrencylab.experiment;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * Every experiment kept. Running ones are never evicted; finished ones are kept up to
 * {@code lab.retained-experiments} and {@code lab.retained-timings-memory}, the oldest
 * finished evicted first, and the newest finished always kept.
 *
 * <p>
 * Concurrency: {@link #byId} is concurrent, so lookups never block; the finished queue
 * and its byte total are guarded by this object's lock. Only {@link #finished} puts an
 * experiment on the queue, so a queued or running experiment can never be evicted. Each
 * entry keeps the bytes counted when it finished, and eviction subtracts exactly those,
 * so the total stays true even if a log's own figure moved afterwards.
 */
@Component
class ExperimentRegistry {

	private final LabProperties limits;

	private final Map<String, Experiment> byId = new ConcurrentHashMap<>();

	/** Finished experiments in the order they finished; guarded by this. */
	private final Deque<Retained> finished = new ArrayDeque<>();

	/** The sum of {@link Retained#bytes} over {@link #finished}; guarded by this. */
	private long finishedBytes;

	ExperimentRegistry(LabProperties limits) {
		this.limits = limits;
	}

	void add(Experiment experiment) {
		this.byId.put(experiment.id(), experiment);
	}

	Optional<Experiment> find(String id) {
		return Optional.ofNullable(this.byId.get(id));
	}

	/** All kept experiments, newest first. */
	List<Experiment> all() {
		return this.byId.values().stream().sorted(Comparator.comparingLong(Experiment::sequence).reversed()).toList();
	}

	/**
	 * Records that an experiment finished, then evicts the oldest finished beyond the
	 * limits.
	 */
	synchronized void finished(Experiment experiment) {
		Retained entry = new Retained(experiment, retainedBytes(experiment));
		this.finished.addLast(entry);
		this.finishedBytes += entry.bytes();
		long budget = this.limits.retainedTimingsMemory().toBytes();
		while (this.finished.size() > this.limits.retainedExperiments()
				|| (this.finishedBytes > budget && this.finished.size() > 1)) {
			Retained oldest = this.finished.removeFirst();
			this.finishedBytes -= oldest.bytes();
			this.byId.remove(oldest.experiment().id());
		}
	}

	/** Bytes the finished experiments hold, as counted when each finished. */
	synchronized long finishedBytes() {
		return this.finishedBytes;
	}

	private static long retainedBytes(Experiment experiment) {
		return (experiment.execution() != null) ? experiment.execution().log().retainedBytes() : 0;
	}

	/** A finished experiment and the bytes counted for it when it finished. */
	private record Retained(Experiment experiment, long bytes) {
	}

}
