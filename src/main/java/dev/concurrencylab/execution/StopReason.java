package dev.concurrencylab.execution;

/** Why an experiment stopped before all its tasks finished. */
public enum StopReason {

	/** A user cancelled it. */
	CANCELLED,
	/** Its deadline ({@code timeoutMillis}) passed. */
	DEADLINE,
	/** The service is shutting down. */
	SHUTDOWN

}
