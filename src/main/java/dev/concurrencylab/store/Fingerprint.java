package dev.concurrencylab.store;

import java.util.List;

/**
 * The machine and runtime a result was measured on, so that results are compared like
 * with like. The measured parallel capacity is not part of it (it changes from run to
 * run): each result records its own.
 *
 * @param id a hash of everything else: equal ids, the same machine and runtime as far as
 * the lab can tell
 * @param cores processors available to the JVM
 * @param cpuModel the CPU's model name ({@code /proc/cpuinfo}), or null
 * @param memoryBytes physical memory, -1 if unknown
 * @param maxHeapBytes the JVM's heap limit
 * @param containerCpu the cgroup's CPU limit ({@code cpu.max}, e.g. {@code max 100000}),
 * or null outside a cgroup v2
 * @param containerMemory the cgroup's memory limit ({@code memory.max}), or null outside
 * a cgroup v2
 * @param os name, version and architecture of the operating system
 * @param jdkVendor the JDK's vendor
 * @param jdkVersion the JDK's runtime version
 * @param vm the virtual machine
 * @param jvmFlags the JVM's {@code -X} and {@code -XX} options ({@code -D} properties and
 * agents are left out: they may hold secrets)
 * @param labVersion the lab's version
 */
public record Fingerprint(String id, int cores, String cpuModel, long memoryBytes, long maxHeapBytes,
		String containerCpu, String containerMemory, String os, String jdkVendor, String jdkVersion, String vm,
		List<String> jvmFlags, String labVersion) {

	/** One line: what a reader needs to tell two fingerprints apart. */
	public String description() {
		return this.cores + " cores" + ((this.cpuModel != null) ? " " + this.cpuModel : "") + ", "
				+ (this.memoryBytes / (1 << 20)) + " MiB, " + this.os + ", " + this.jdkVendor + " " + this.jdkVersion
				+ ((this.containerCpu != null) ? ", cgroup cpu " + this.containerCpu : "")
				+ ((this.containerMemory != null) ? ", cgroup memory " + this.containerMemory : "")
				+ (this.jvmFlags.isEmpty() ? "" : ", " + String.join(" ", this.jvmFlags)) + ", lab " + this.labVersion;
	}

}
