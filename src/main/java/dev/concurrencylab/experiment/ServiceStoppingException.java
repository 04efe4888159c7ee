package dev.concurrencylab.experiment;

/** The service is shutting down and starts nothing new; answered 503. */
class ServiceStoppingException extends RuntimeException {

	ServiceStoppingException() {
		super("The service is shutting down and starts no new experiments; try again once it is back.");
	}

}
