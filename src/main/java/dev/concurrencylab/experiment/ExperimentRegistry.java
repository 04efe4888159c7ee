package dev.concurrencylab.experiment;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * Every experiment kept: a {@link RunRegistry} bounded by
 * {@code lab.retained-experiments} and {@code lab.retained-timings-memory}, each finished
 * experiment counted by the bytes its task log retains.
 */
@Component
class ExperimentRegistry {

	private final RunRegistry<Experiment> runs;

	ExperimentRegistry(LabProperties limits) {
		this.runs = new RunRegistry<>(limits.retainedExperiments(), limits.retainedTimingsMemory().toBytes(),
				Experiment::id, Experiment::sequence, Experiment::evicted);
	}

	void add(Experiment experiment) {
		this.runs.add(experiment);
	}

	Optional<Experiment> find(String id) {
		return this.runs.find(id);
	}

	/** All kept experiments, newest first. */
	List<Experiment> all() {
		return this.runs.all();
	}

	/**
	 * Records that an experiment finished, then evicts the oldest finished beyond the
	 * limits.
	 */
	void finished(Experiment experiment) {
		this.runs.finished(experiment,
				(experiment.execution() != null) ? experiment.execution().log().retainedBytes() : 0);
	}

	/** Forgets finished experiments the store deleted (its retention). */
	void forget(List<String> ids) {
		ids.forEach(this.runs::forget);
	}

	/** Bytes the finished experiments hold, as counted when each finished. */
	long finishedBytes() {
		return this.runs.finishedBytes();
	}

}
