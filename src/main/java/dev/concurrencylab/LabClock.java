package dev.concurrencylab;

/**
 * The clock seam: every duration the lab reports is a difference of two readings of this
 * monotonic clock, so tests can drive time and nothing depends on the wall clock.
 */
@FunctionalInterface
public interface LabClock {

	/** The system's monotonic clock, {@link System#nanoTime()}. */
	LabClock SYSTEM = System::nanoTime;

	/** Nanoseconds from an arbitrary fixed origin. */
	long nanoTime();

}
