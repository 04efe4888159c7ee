package dev.concurrencylab.experiment;

/** No experiment has this id (or it was deleted from the store); answered 404. */
class ExperimentNotFoundException extends RuntimeException {

	ExperimentNotFoundException(String id) {
		super("No experiment has the id '" + id + "'. It may never have existed, or it finished long ago and was "
				+ "deleted from the store (lab.store.max-*); GET /experiments lists the ones kept.");
	}

}
