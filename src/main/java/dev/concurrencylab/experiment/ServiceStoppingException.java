package dev.concurrencylab.experiment;

/** The service is shutting down and starts nothing new; answered 503. */
public class ServiceStoppingException extends RuntimeException {

	public ServiceStoppingException() {
		super("The service is shutting down and starts no new experiments; try again once it is back.");
	}

}
