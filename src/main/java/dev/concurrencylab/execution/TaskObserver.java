package dev.concurrencylab.execution;

import java.util.concurrent.ExecutorService;

/**
 * What an experiment tells the outside while it runs (the metrics): the executors its
 * mode made. Tasks report nothing as they run: their timings reach the metrics from the
 * task log once the run is over. Called from the mode's threads; implementations must be
 * thread-safe.
 */
public interface TaskObserver {

	/** Observes nothing. */
	TaskObserver NONE = new TaskObserver() {
	};

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
