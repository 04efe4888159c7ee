package dev.concurrencylab.worker;

/**
 * A worker process that died, timed out, or answered something unreadable. The message is
 * a sentence for the task's {@code error}; {@link #workerLost()} says whether the worker
 * can take no more tasks.
 */
public class WorkerException extends Exception {

	private final boolean workerLost;

	WorkerException(String message, boolean workerLost) {
		super(message);
		this.workerLost = workerLost;
	}

	/** Whether the worker is gone or unusable and must be replaced. */
	public boolean workerLost() {
		return this.workerLost;
	}

	/** A task the worker ran and reported failed; the worker itself is fine. */
	public static final class TaskFailed extends WorkerException {

		public TaskFailed(String message) {
			super(message, false);
		}

	}

}
