package dev.concurrencylab.experiment;

/** The life of an experiment. */
public enum ExperimentStatus {

	/** Accepted, not started yet. */
	QUEUED,
	/** Tasks are running. */
	RUNNING,
	/** Every task finished with a result. */
	SUCCEEDED,
	/** Some task failed, or the deadline passed. */
	FAILED,
	/** Cancelled by a user or by the service shutting down. */
	CANCELLED;

	/** Whether it will not change any more. */
	boolean isFinished() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}

}
