package dev.concurrencylab.experiment;

/** The life of a run: an experiment or a comparison. */
public enum ExperimentStatus {

	/** Accepted, waiting at the admission gate. */
	QUEUED,
	/** Admitted: its tasks (or runs) are running. */
	RUNNING,
	/** Every task finished with a result. */
	SUCCEEDED,
	/** Some task failed, or the deadline passed. */
	FAILED,
	/** Cancelled by a user or by the service shutting down. */
	CANCELLED;

	/** Whether it will not change any more. */
	public boolean isFinished() {
		return this == SUCCEEDED || this == FAILED || this == CANCELLED;
	}

}
