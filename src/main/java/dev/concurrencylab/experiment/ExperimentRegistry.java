package dev.concurrencylab.experiment;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * Every experiment kept. Running ones are never evicted; finished ones are kept up to
 * {@code lab.retained-experiments} and {@code lab.retained-timings-memory}, the oldest
 * finished evicted first.
 */
@Component
class ExperimentRegistry {

	private final LabProperties limits;

	private final Map<String, Experiment> byId = new ConcurrentHashMap<>();

	/** Finished experiments in the order they finished. */
	private final ConcurrentLinkedDeque<Experiment> finished = new ConcurrentLinkedDeque<>();

	private final AtomicLong finishedBytes = new AtomicLong();

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
		this.finished.addLast(experiment);
		this.finishedBytes.addAndGet(retainedBytes(experiment));
		long budget = this.limits.retainedTimingsMemory().toBytes();
		while (this.finished.size() > this.limits.retainedExperiments()
				|| (this.finishedBytes.get() > budget && this.finished.size() > 1)) {
			Experiment oldest = this.finished.removeFirst();
			this.finishedBytes.addAndGet(-retainedBytes(oldest));
			this.byId.remove(oldest.id());
		}
	}

	private static long retainedBytes(Experiment experiment) {
		return (experiment.execution() != null) ? experiment.execution().log().retainedBytes() : 0;
	}

}
