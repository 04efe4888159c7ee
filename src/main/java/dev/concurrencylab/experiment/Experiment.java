package dev.concurrencylab.experiment;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.StopReason;
import dev.concurrencylab.recording.ExperimentRecording;
import dev.concurrencylab.report.Summary;

/**
 * One experiment: its request, its state, and once it runs the {@link Execution} that
 * holds its tasks. Owned by {@link ExperimentService}; its conductor thread is the only
 * writer of its state.
 *
 * <p>
 * Concurrency: fields that change are volatile and written by the conductor thread in the
 * order execution, status RUNNING, then (summary, error, finishedAt) before status
 * becomes final and {@link #done} completes; readers that see a final status see the
 * rest. {@link #cancel} is synchronized with the conductor's hand-over of the execution.
 */
final class Experiment {

	private final String id;

	private final long sequence;

	private final ExperimentSpec spec;

	private final Instant createdAt;

	private final CompletableFuture<Experiment> done = new CompletableFuture<>();

	private final CompletableFuture<Experiment> stored = new CompletableFuture<>();

	private volatile ExperimentStatus status = ExperimentStatus.QUEUED;

	private volatile Execution execution;

	private volatile Instant startedAt;

	private volatile Instant finishedAt;

	private volatile Summary summary;

	private volatile String error;

	/** Set by a cancel that came before the execution existed; guarded by this. */
	private StopReason stopRequested;

	private volatile Thread conductor;

	/** Its JFR recording, when it records; set by the conductor before the run. */
	private volatile ExperimentRecording recording;

	Experiment(String id, long sequence, ExperimentSpec spec, Instant createdAt) {
		this.id = id;
		this.sequence = sequence;
		this.spec = spec;
		this.createdAt = createdAt;
	}

	String id() {
		return this.id;
	}

	long sequence() {
		return this.sequence;
	}

	ExperimentSpec spec() {
		return this.spec;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	ExperimentStatus status() {
		return this.status;
	}

	Execution execution() {
		return this.execution;
	}

	Instant startedAt() {
		return this.startedAt;
	}

	Instant finishedAt() {
		return this.finishedAt;
	}

	Summary summary() {
		return this.summary;
	}

	String error() {
		return this.error;
	}

	ExperimentRecording recording() {
		return this.recording;
	}

	void recording(ExperimentRecording recording) {
		this.recording = recording;
	}

	/** Evicted from the registry: nothing of it may stay behind (its recordings). */
	void evicted() {
		ExperimentRecording files = this.recording;
		if (files != null) {
			files.delete("the experiment was evicted");
		}
	}

	/** Completes with this experiment once it has finished. */
	CompletableFuture<Experiment> done() {
		return this.done;
	}

	/**
	 * Completes with this experiment once it has finished and been written to the store
	 * (or the write failed, which is logged): nothing of it runs any more.
	 */
	CompletableFuture<Experiment> stored() {
		return this.stored;
	}

	/**
	 * The pooled thread that conducts this experiment from now until it has finished; a
	 * stop interrupts it only until then, never once it serves another experiment.
	 */
	synchronized void conductedBy(Thread thread) {
		this.conductor = thread;
	}

	/** Hands over the execution; applies a stop that was asked for before it existed. */
	synchronized void running(Execution execution, Instant now) {
		this.execution = execution;
		this.startedAt = now;
		this.status = ExperimentStatus.RUNNING;
		if (this.stopRequested != null) {
			execution.stop(this.stopRequested);
		}
	}

	/** Whether a stop was asked for before the experiment ran. */
	synchronized boolean stopRequested() {
		return this.stopRequested != null;
	}

	/** Asks the experiment to stop; false if it had already finished. */
	synchronized boolean stop(StopReason reason) {
		if (this.status.isFinished()) {
			return false;
		}
		if (this.execution != null) {
			this.execution.stop(reason);
		}
		else if (this.stopRequested == null) {
			this.stopRequested = reason;
		}
		Thread thread = this.conductor;
		if (thread != null) { // not finished, so the thread still conducts this
								// experiment
			thread.interrupt();
		}
		return true;
	}

	synchronized void finished(ExperimentStatus outcome, Summary summary, String error, Instant now) {
		this.summary = summary;
		this.error = error;
		this.finishedAt = now;
		this.status = outcome;
	}

}
