package dev.concurrencylab.isolation;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Takes the readings that {@link Interference} is made of, once at the start of a run's
 * window and once at its end; nothing is read while the run's tasks are timed. Pure apart
 * from the two readings.
 */
public final class InterferenceMeter {

	/*
	 * The platform beans, looked up once: a lookup walks every bean provider, and it was
	 * a fifth of the CPU time of a tiny experiment (JFR).
	 */
	private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

	private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

	private static final com.sun.management.OperatingSystemMXBean OS = (ManagementFactory
		.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) ? os : null;

	private InterferenceMeter() {
	}

	/**
	 * The readings at one moment.
	 *
	 * @param nanos the lab clock
	 * @param processCpuNanos CPU time of this service process so far
	 * @param gcMillis collection time reported by every collector so far
	 * @param jitMillis compilation time so far
	 * @param host the host's CPU counters, or null
	 * @param reapedChildrenCpuNanos CPU time of this process's children that have ended
	 * and been reaped (Linux counts their whole life there, start-up and exit included),
	 * or -1 where unknown
	 */
	public record Reading(long nanos, long processCpuNanos, long gcMillis, long jitMillis, HostCpu host,
			long reapedChildrenCpuNanos) {
	}

	/** Reads everything now; {@code nanos} is the lab clock's reading. */
	public static Reading read(long nanos) {
		long gc = 0;
		for (GarbageCollectorMXBean collector : COLLECTORS) {
			gc += Math.max(0, collector.getCollectionTime());
		}
		long compiling = (JIT != null && JIT.isCompilationTimeMonitoringSupported()) ? JIT.getTotalCompilationTime()
				: 0;
		return new Reading(nanos, processCpuNanos(), gc, compiling, HostCpu.now(), HostCpu.reapedChildrenCpuNanos());
	}

	/**
	 * The interference over the window from {@code start} to {@code end}.
	 * @param isolation how the run was admitted
	 * @param admissionWaitNanos how long it waited to be admitted
	 * @param otherRuns how many other lab runs overlapped it
	 * @param otherRunsBusyNanos task-nanoseconds those runs had in flight in the window
	 * @param ownTaskCpuNanos CPU time of this run's own tasks inside the service, or -1
	 * when not measurable
	 * @param workerCpuNanos CPU time of this run's worker processes as they reported it
	 * (0 without workers); where more CPU of reaped children was counted in the window (a
	 * worker's exit, which it cannot report), that is taken instead
	 */
	public static Interference between(Reading start, Reading end, Isolation isolation, long admissionWaitNanos,
			int otherRuns, long otherRunsBusyNanos, long ownTaskCpuNanos, long workerCpuNanos) {
		long busy = Math.max(0, otherRunsBusyNanos);
		long serviceCpu = Math.max(0, end.processCpuNanos() - start.processCpuNanos());
		Double outside = (ownTaskCpuNanos >= 0) ? millis(Math.max(0, serviceCpu - ownTaskCpuNanos)) : null;
		Double steal = null;
		Double otherProcesses = null;
		if (start.host() != null && end.host() != null) {
			HostCpu window = end.host().since(start.host());
			steal = (window.totalNanos() > 0) ? round(100.0 * window.stealNanos() / window.totalNanos(), 2) : 0.0;
			long reaped = (start.reapedChildrenCpuNanos() >= 0 && end.reapedChildrenCpuNanos() >= 0)
					? end.reapedChildrenCpuNanos() - start.reapedChildrenCpuNanos() : 0;
			long workers = Math.max(workerCpuNanos, reaped);
			otherProcesses = millis(Math.max(0, window.busyNanos() - serviceCpu - workers));
		}
		return new Interference(isolation.id(), millis(admissionWaitNanos), otherRuns, round(busy / 1e9, 3),
				millis(serviceCpu), outside, end.gcMillis() - start.gcMillis(), end.jitMillis() - start.jitMillis(),
				steal, otherProcesses);
	}

	private static long processCpuNanos() {
		return (OS != null) ? OS.getProcessCpuTime() : 0;
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1000.0) / 1000.0;
	}

	private static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
