package dev.concurrencylab.report;

/**
 * A task's time, or many tasks' time, split into phases that add up to its whole time
 * from being queued to its end (up to rounding). In milliseconds, or as shares of the
 * whole.
 *
 * @param queued queued until it started: waiting for a thread of the pool, a permit, a
 * worker, or (event loop) for the loop to get to it
 * @param spawn a worker process's start-up this task paid for (process modes)
 * @param waiting the workload's own waits: sleeps, timers, HTTP answers
 * @param lockWait waiting for a lock: the GIL of {@code gil-threads}, the {@code lock}
 * workload's lock
 * @param poolWait waiting for a connection from the {@code db} workload's pool (in
 * {@code async} and {@code reactive}, also for one of their JDBC threads, one per
 * connection)
 * @param computingOnCpu computing, on a core: the thread's CPU time during the
 * computation (estimated from the calibrated kernel cost where a thread's CPU time cannot
 * be measured: virtual threads; see {@code onCpu})
 * @param computingOffCpu computing, but not on a core: the computation's wall time minus
 * its CPU time, waiting for a core (more busy threads than cores) or, for a virtual
 * thread, for a carrier
 * @param scheduling the rest of the time between start and end: ready to go on but not
 * running, such as a finished wait's callback queued behind a busy event loop or timer
 * thread, a computation queued for an async or reactive CPU pool, a worker's request and
 * reply on its pipes, and the harness's own steps
 */
public record Phases(double queued, double spawn, double waiting, double lockWait, double poolWait,
		double computingOnCpu, double computingOffCpu, double scheduling) {

	/** Where a task's on-CPU figure comes from. */
	public enum CpuSource {

		/** The CPU time of the thread (or worker) that computed, as measured. */
		MEASURED,
		/**
		 * Estimated from the calibrated single-thread cost of the kernel: a virtual
		 * thread's CPU time cannot be measured.
		 */
		ESTIMATED,
		/** Neither measured nor estimated (no calibration yet): all of it on-CPU. */
		UNKNOWN,
		/** The task did not compute. */
		NONE

	}

}
