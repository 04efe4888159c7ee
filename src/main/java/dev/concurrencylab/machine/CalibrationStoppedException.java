package dev.concurrencylab.machine;

/** The service shut down before a calibration it was asked for could measure; 503. */
public class CalibrationStoppedException extends RuntimeException {

	public CalibrationStoppedException() {
		super("The service is shutting down; the calibration did not run. Try again once it is back.", null, false,
				false);
	}

}
