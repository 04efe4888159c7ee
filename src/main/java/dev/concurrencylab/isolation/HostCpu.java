package dev.concurrencylab.isolation;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The host's CPU time as Linux counts it in the first line of {@code /proc/stat}, in
 * nanoseconds summed over every CPU: busy (user, nice, system, irq, softirq), idle (idle,
 * iowait) and steal (time the hypervisor gave this virtual machine's CPUs to someone
 * else). The kernel counts in ticks of 10 ms per CPU, so short windows are coarse.
 *
 * @param busyNanos time the CPUs ran anything
 * @param idleNanos time they had nothing to run
 * @param stealNanos time they were runnable but the hypervisor ran another guest
 */
public record HostCpu(long busyNanos, long idleNanos, long stealNanos) {

	private static final Path PROC_STAT = Path.of("/proc/stat");

	private static final Path PROC_SELF_STAT = Path.of("/proc/self/stat");

	private static final Pattern SPACES = Pattern.compile("\\s+");

	/** Nanoseconds per tick of {@code /proc/stat} (USER_HZ is 100 on Linux). */
	private static final long TICK_NANOS = 10_000_000L;

	/** The counters now, or null where {@code /proc/stat} cannot be read. */
	public static HostCpu now() {
		// A plain stream, not a channel: a pending interrupt must not spoil the reading.
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(new FileInputStream(PROC_STAT.toFile()), StandardCharsets.US_ASCII))) {
			String first = reader.readLine();
			return (first != null) ? parse(first) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * CPU time of this process's children that have ended and been reaped, as Linux
	 * counts it in {@code /proc/self/stat} (cutime + cstime), or -1 where unreadable.
	 */
	public static long reapedChildrenCpuNanos() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(new FileInputStream(PROC_SELF_STAT.toFile()), StandardCharsets.US_ASCII))) {
			String line = reader.readLine();
			return (line != null) ? parseReapedChildren(line) : -1;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** cutime + cstime of a {@code /proc/<pid>/stat} line, in nanoseconds. */
	static long parseReapedChildren(String line) {
		// The command name may hold spaces and parentheses: count fields after the last
		// ')'.
		String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
		// fields[0] is the state (field 3); cutime and cstime are fields 16 and 17.
		return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * TICK_NANOS;
	}

	/** Parses the aggregate {@code cpu} line, or null if it is not one. */
	static HostCpu parse(String line) {
		List<String> fields = List.of(SPACES.split(line.trim()));
		if (fields.size() < 9 || !fields.get(0).equals("cpu")) {
			return null;
		}
		long user = tick(fields, 1);
		long nice = tick(fields, 2);
		long system = tick(fields, 3);
		long idle = tick(fields, 4);
		long iowait = tick(fields, 5);
		long irq = tick(fields, 6);
		long softirq = tick(fields, 7);
		long steal = tick(fields, 8);
		// guest time is already counted in user and nice.
		return new HostCpu(user + nice + system + irq + softirq, idle + iowait, steal);
	}

	/** What was counted between {@code earlier} and this reading. */
	public HostCpu since(HostCpu earlier) {
		return new HostCpu(this.busyNanos - earlier.busyNanos, this.idleNanos - earlier.idleNanos,
				this.stealNanos - earlier.stealNanos);
	}

	/** All time counted: busy, idle and steal. */
	public long totalNanos() {
		return this.busyNanos + this.idleNanos + this.stealNanos;
	}

	private static long tick(List<String> fields, int index) {
		return Long.parseLong(fields.get(index)) * TICK_NANOS;
	}

}
