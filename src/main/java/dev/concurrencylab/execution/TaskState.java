package dev.concurrencylab.execution;

/** Where one task is in its life. */
public enum TaskState {

	/** Not started yet. */
	PENDING,
	/** Started, not finished. */
	RUNNING,
	/** Finished with a result. */
	SUCCEEDED,
	/** Finished with an error. */
	FAILED,
	/**
	 * Never started, or stopped, because the experiment was cancelled or ran out of time.
	 */
	CANCELLED,
	/**
	 * Open model: never started, because it waited longer than {@code maxQueueMillis}
	 * from its arrival.
	 */
	DROPPED;

	private static final TaskState[] VALUES = values();

	static TaskState of(byte code) {
		return VALUES[code];
	}

	byte code() {
		return (byte) ordinal();
	}

	/** Whether the task will not change any more. */
	public boolean isFinished() {
		return this.ordinal() >= SUCCEEDED.ordinal();
	}

}
