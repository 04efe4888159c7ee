package dev.concurrencylab.isolation;

/**
 * What shared the machine with one run, measured over the run's window (from its
 * admission to its end). Each figure has one meaning:
 *
 * @param isolation {@code exclusive} or {@code shared}, as the run was admitted
 * @param admissionWaitMillis how long the run waited in QUEUED for the admission gate
 * @param otherRuns other lab runs (experiments, comparisons, calibrations) active at any
 * moment of the window
 * @param otherRunsBusyTaskSeconds Σ over those runs of the time each of their tasks was
 * in flight within the window, in seconds (two tasks in flight for one second count 2)
 * @param serviceCpuMillis CPU time the whole service process used in the window: this
 * run's tasks, the harness, GC, JIT and any other run
 * @param serviceCpuOutsideTasksMillis serviceCpuMillis minus the CPU time of this run's
 * own tasks in the service; null when a task's CPU time could not be measured (virtual
 * threads, timer-based modes)
 * @param gcMillis time the JVM's collectors reported for collections in the window
 * @param jitMillis time the JIT compilers spent compiling in the window (summed over the
 * compiler threads)
 * @param hostStealPercent of all CPU time the host counted in the window, the share the
 * hypervisor gave to other guests (steal); null where {@code /proc/stat} is unreadable
 * @param otherProcessesCpuMillis CPU time the rest of the host used in the window: the
 * host's busy time minus this service's and its worker processes' (what the workers
 * reported, or what Linux counted for the workers reaped in the window, start-up and exit
 * included, whichever is more); null where {@code /proc/stat} is unreadable
 */
public record Interference(String isolation, double admissionWaitMillis, int otherRuns, double otherRunsBusyTaskSeconds,
		double serviceCpuMillis, Double serviceCpuOutsideTasksMillis, double gcMillis, double jitMillis,
		Double hostStealPercent, Double otherProcessesCpuMillis) {

	/**
	 * Cores' worth of CPU the rest of the host used on average over a window of
	 * {@code wallMillis}; 0 when unknown.
	 */
	public double otherProcessesCores(double wallMillis) {
		return (this.otherProcessesCpuMillis != null && wallMillis > 0) ? this.otherProcessesCpuMillis / wallMillis : 0;
	}

}
