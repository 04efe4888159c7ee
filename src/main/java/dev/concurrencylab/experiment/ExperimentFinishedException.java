package dev.concurrencylab.experiment;

/** Cancelling an experiment that already finished; answered 409. */
class ExperimentFinishedException extends RuntimeException {

	ExperimentFinishedException(String id, ExperimentStatus status) {
		super("Experiment " + id + " already finished with status " + status + "; there is nothing to cancel.");
	}

}
