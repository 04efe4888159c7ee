package dev.concurrencylab.execution;

import java.util.concurrent.ExecutorService;

/**
 * What an experiment tells the outside while it runs (the metrics): tasks starting and
 * ending, and the executors its mode made. Called from the mode's threads;
 * implementations must be thread-safe and cheap.
 */
public interface TaskObserver {

	/** Observes nothing. */
	TaskObserver NONE = new TaskObserver() {
	};

	/** A task started after waiting {@code queueNanos} in a queue. */
	default void started(long queueNanos) {
	}

	/** A started task ended (with a result or an error) after {@code durationNanos}. */
	default void ended(long durationNanos) {
	}

	/** A started task was stopped by cancellation or the deadline. */
	default void abandoned() {
	}

	/**
	 * The mode made an executor for a role (e.g. {@code platform}); it lives until the
	 * run ends.
	 */
	default void executor(ExecutorService executor, String role) {
	}

	/** The run ended: forget its executors. */
	default void finished() {
	}

}
