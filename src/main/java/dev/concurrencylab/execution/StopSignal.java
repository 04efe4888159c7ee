package dev.concurrencylab.execution;

/**
 * Why an experiment is stopping, once it is: set at most once, the first reason wins, and
 * read without a lock by every task that is about to begin.
 */
final class StopSignal {

	/** Written once under this object's monitor; volatile for the readers. */
	private volatile StopReason reason;

	/** Sets the reason unless one was set before. */
	synchronized void raise(StopReason stop) {
		if (this.reason == null) {
			this.reason = stop;
		}
	}

	/** The reason, or null while nothing asked to stop. */
	StopReason reason() {
		return this.reason;
	}

}
