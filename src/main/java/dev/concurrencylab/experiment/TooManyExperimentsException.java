package dev.concurrencylab.experiment;

/** The most experiments allowed to run at once are running; answered 429. */
public class TooManyExperimentsException extends RuntimeException {

	private final long retryAfterSeconds;

	public TooManyExperimentsException(int running, long retryAfterSeconds) {
		super(running + " experiments are running or waiting in QUEUED, the most this service accepts at once "
				+ "(lab.max-running-experiments). " + "Try again in about " + retryAfterSeconds
				+ " s, or cancel one with DELETE /experiments/{id}.");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
