package dev.concurrencylab;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The lab's limits and defaults, bound from {@code lab.*}.
 *
 * @param maxTasks most tasks in one experiment
 * @param defaultTasks tasks when a request names none
 * @param maxMillis longest wait of a {@code sleep}, {@code mixed} or {@code http} task
 * @param maxSteps most waits of one {@code sleep} task
 * @param maxIterations most kernel iterations of one task
 * @param maxThreads most threads of the {@code platform-threads} and {@code gil-threads}
 * pools
 * @param maxProcessesPerCore most worker processes per core
 * @param maxTimeoutMillis longest experiment deadline
 * @param defaultTimeoutMillis deadline when a request names none
 * @param maxWaitMillis longest a {@code POST} waits for its result
 * @param defaultWaitMillis how long a {@code POST} waits when the request names no
 * {@code waitMillis}
 * @param maxRunningExperiments experiments running at once; more are refused with 429
 * @param retainedExperiments finished experiments kept, oldest evicted first
 * @param retainedTimingsMemory memory the timings of finished experiments may hold
 * @param maxLabelLength longest label
 * @param maxRequestBody largest request body
 * @param traceMaxTasks most task slices in a {@code trace.json}; above it every k-th task
 * is drawn
 */
@ConfigurationProperties("lab")
public record LabProperties(@DefaultValue("1000000") int maxTasks, @DefaultValue("10") int defaultTasks,
		@DefaultValue("60000") long maxMillis, @DefaultValue("100") int maxSteps,
		@DefaultValue("10000000000") long maxIterations, @DefaultValue("2000") int maxThreads,
		@DefaultValue("4") int maxProcessesPerCore, @DefaultValue("600000") long maxTimeoutMillis,
		@DefaultValue("300000") long defaultTimeoutMillis, @DefaultValue("600000") long maxWaitMillis,
		@DefaultValue("30000") long defaultWaitMillis, @DefaultValue("4") int maxRunningExperiments,
		@DefaultValue("200") int retainedExperiments, @DefaultValue("512MB") DataSize retainedTimingsMemory,
		@DefaultValue("100") int maxLabelLength, @DefaultValue("64KB") DataSize maxRequestBody,
		@DefaultValue("100000") int traceMaxTasks, @DefaultValue("2000") int maxHttpInFlight) {

	/** The processors this JVM may use. */
	/**
	 * The calls an {@code http} experiment may keep in flight:
	 * {@link #maxHttpInFlight()}, and no more than leave a quarter of the process's file
	 * descriptors free while every running experiment holds as many (two descriptors a
	 * call).
	 */
	public int httpInFlightLimit() {
		long descriptors = (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)
				? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
		long byDescriptors = (descriptors == Long.MAX_VALUE) ? Long.MAX_VALUE
				: (descriptors * 3 / 4) / (2L * Math.max(1, maxRunningExperiments()));
		return (int) Math.max(1, Math.min(maxHttpInFlight(), byDescriptors));
	}

	public static int cores() {
		return Runtime.getRuntime().availableProcessors();
	}

}
