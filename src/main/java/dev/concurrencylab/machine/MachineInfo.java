package dev.concurrencylab.machine;

/**
 * The machine as the lab sees it.
 *
 * @param cores processors available to the JVM
 * @param memory heap and physical memory
 * @param jdk the running JDK
 * @param os the operating system
 * @param pid this service's process id
 * @param calibration {@code MEASURING} until the first capacity measurement ends, then
 * {@code MEASURED}
 * @param capacity the latest measured parallel capacity, null while measuring
 */
public record MachineInfo(int cores, Memory memory, Jdk jdk, Os os, long pid, String calibration, Capacity capacity) {

	/**
	 * Memory in bytes.
	 *
	 * @param maxHeap the heap limit
	 * @param committedHeap heap committed now
	 * @param physical the machine's physical memory, -1 if unknown
	 */
	public record Memory(long maxHeap, long committedHeap, long physical) {
	}

	/**
	 * The running JDK.
	 *
	 * @param version runtime version
	 * @param vendor vendor
	 * @param vm virtual machine name
	 */
	public record Jdk(String version, String vendor, String vm) {
	}

	/**
	 * The operating system.
	 *
	 * @param name name
	 * @param version kernel version
	 * @param arch architecture
	 */
	public record Os(String name, String version, String arch) {
	}

}
