package dev.concurrencylab.experiment;

/**
 * The most experiments allowed to run at once are running; answered 429. It carries no
 * stack trace: it is an answer, not a fault, and a flood of them must stay cheap.
 */
public class TooManyExperimentsException extends RuntimeException {

	private final long retryAfterSeconds;

	public TooManyExperimentsException(int running, long retryAfterSeconds) {
		super(running + " experiments are running or waiting in QUEUED, the most this service accepts at once "
				+ "(lab.max-running-experiments). " + "Try again in about " + retryAfterSeconds
				+ " s, or cancel one with DELETE /experiments/{id}.", null, false, false);
		this.retryAfterSeconds = retryAfterSeconds;
	}

	long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
