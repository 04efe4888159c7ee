package dev.concurrencylab.experiment;

/** No experiment has this id (or it was evicted); answered 404. */
class ExperimentNotFoundException extends RuntimeException {

	ExperimentNotFoundException(String id) {
		super("No experiment has the id '" + id + "'. It may never have existed, or it finished long ago and was "
				+ "evicted; GET /experiments lists the ones kept.");
	}

}
