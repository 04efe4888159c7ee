package dev.concurrencylab.comparison;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.concurrencylab.experiment.ExperimentService;
import dev.concurrencylab.experiment.ExperimentSpec;
import dev.concurrencylab.experiment.ExperimentStatus;
import dev.concurrencylab.isolation.Interference;

/**
 * One comparison: the same workload under several modes, each run {@code repeats} times
 * in interleaved order. Its runner thread is the only writer; readers take snapshots
 * under this object's lock.
 */
final class Comparison {

	private final String id;

	private final long sequence;

	private final ComparisonRequest request;

	private final List<ExperimentSpec> specs;

	private final int repeats;

	private final Instant createdAt = Instant.now();

	private final CompletableFuture<Comparison> done = new CompletableFuture<>();

	/** Outcomes per mode, in the order of the request; guarded by this. */
	private final Map<String, List<ExperimentService.Outcome>> outcomes = new LinkedHashMap<>();

	private ExperimentStatus status = ExperimentStatus.QUEUED;

	private Instant finishedAt;

	private String error;

	private volatile Thread runner;

	private volatile boolean cancelRequested;

	/** The capacity measured just before a computation comparison's runs, or null. */
	private volatile Double capacityBefore;

	/** The capacity measured just after them, or null. */
	private volatile Double capacityAfter;

	/** What shared the machine during the comparison's window; null until it ends. */
	private volatile Interference interference;

	/**
	 * The capacity when it finished, for a comparison that measured none itself: its view
	 * stays as it was when it finished.
	 */
	private volatile Double capacityAtEnd;

	/** The window's length in milliseconds, set with {@link #interference}. */
	private volatile double windowMillis;

	Comparison(String id, long sequence, ComparisonRequest request, List<ExperimentSpec> specs, int repeats) {
		this.id = id;
		this.sequence = sequence;
		this.request = request;
		this.specs = specs;
		this.repeats = repeats;
		for (ExperimentSpec spec : specs) {
			this.outcomes.put(spec.mode().id(), new ArrayList<>());
		}
	}

	String id() {
		return this.id;
	}

	long sequence() {
		return this.sequence;
	}

	ComparisonRequest request() {
		return this.request;
	}

	List<ExperimentSpec> specs() {
		return this.specs;
	}

	int repeats() {
		return this.repeats;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	CompletableFuture<Comparison> done() {
		return this.done;
	}

	void runBy(Thread thread) {
		this.runner = thread;
	}

	/** Asks the comparison to stop: its current run is cancelled and no other starts. */
	void cancel() {
		this.cancelRequested = true;
		Thread thread = this.runner;
		if (thread != null) {
			thread.interrupt();
		}
	}

	boolean cancelRequested() {
		return this.cancelRequested;
	}

	Thread runner() {
		return this.runner;
	}

	Double capacityBefore() {
		return this.capacityBefore;
	}

	void capacityBefore(Double measured) {
		this.capacityBefore = measured;
	}

	Double capacityAfter() {
		return this.capacityAfter;
	}

	void capacityAfter(Double measured) {
		this.capacityAfter = measured;
	}

	Double capacityAtEnd() {
		return this.capacityAtEnd;
	}

	void capacityAtEnd(Double capacity) {
		this.capacityAtEnd = capacity;
	}

	Interference interference() {
		return this.interference;
	}

	double windowMillis() {
		return this.windowMillis;
	}

	void interference(Interference measured, double windowMillis) {
		this.windowMillis = windowMillis;
		this.interference = measured;
	}

	synchronized void running() {
		this.status = ExperimentStatus.RUNNING;
	}

	synchronized void add(ExperimentService.Outcome outcome, String mode) {
		this.outcomes.get(mode).add(outcome);
	}

	synchronized void finished(ExperimentStatus status, String error) {
		this.status = status;
		this.error = error;
		this.finishedAt = Instant.now();
	}

	synchronized ExperimentStatus status() {
		return this.status;
	}

	synchronized String error() {
		return this.error;
	}

	synchronized Instant finishedAt() {
		return this.finishedAt;
	}

	/** A copy of the outcomes so far. */
	synchronized Map<String, List<ExperimentService.Outcome>> outcomes() {
		Map<String, List<ExperimentService.Outcome>> copy = new LinkedHashMap<>();
		this.outcomes.forEach((mode, list) -> copy.put(mode, List.copyOf(list)));
		return copy;
	}

	/** Whether every run succeeded. */
	synchronized boolean allSucceeded() {
		return this.outcomes.values()
			.stream()
			.flatMap(List::stream)
			.allMatch((outcome) -> outcome.status() == ExperimentStatus.SUCCEEDED);
	}

}
