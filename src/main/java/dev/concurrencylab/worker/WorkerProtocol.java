package dev.concurrencylab.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.StepsWorkload;
import dev.concurrencylab.workload.Workload;

/**
 * The line protocol between the service and a worker process: one tab-separated line per
 * message on the worker's stdin and stdout, numbers only (no user text crosses it).
 *
 * <pre>
 * worker → service  READY
 * service → worker  RUN    task  type  millis  steps  iterations
 * worker → service  DONE   task  result  workNanos  cpuNanos  waitNanos  computeNanos
 * worker → service  FAIL   task  workNanos  cpuNanos  waitNanos  computeNanos  message
 * service → worker  EXIT
 * </pre>
 *
 * {@code workNanos} and {@code cpuNanos} are measured by the worker around the work
 * alone: its wall time and the CPU time of the thread that ran it ({@code -1} when the
 * JVM cannot measure thread CPU time); {@code waitNanos} and {@code computeNanos} are the
 * task's waiting and computing phases within the work. Pure and free of Spring, so both
 * sides share it.
 */
public final class WorkerProtocol {

	static final String READY = "READY";

	static final String RUN = "RUN";

	static final String DONE = "DONE";

	static final String FAIL = "FAIL";

	static final String EXIT = "EXIT";

	private WorkerProtocol() {
	}

	/** A task for a worker. */
	record Request(int task, Workload workload) {
	}

	/**
	 * A worker's answer to one task.
	 *
	 * @param task the task
	 * @param result the result, if it succeeded
	 * @param workNanos how long the work took inside the worker
	 * @param cpuNanos the CPU time of the worker's thread during the work, -1 if unknown
	 * @param waitNanos the work's waits
	 * @param computeNanos the work's computation, wall time
	 * @param error why it failed, or null
	 */
	public record Reply(int task, long result, long workNanos, long cpuNanos, long waitNanos, long computeNanos,
			String error) {

		public boolean succeeded() {
			return this.error == null;
		}

	}

	/** Checks a READY line. */
	static void parseReady(String line) {
		if (!READY.equals(line)) {
			throw new IllegalArgumentException("expected READY");
		}
	}

	static String run(int task, Workload workload) {
		return switch (workload) {
			case SleepWorkload sleep -> {
				if (sleep.in() != SleepWorkload.Place.METHOD) {
					throw new IllegalArgumentException("workers sleep in a method only");
				}
				yield line(RUN, task, "sleep", sleep.millis(), sleep.steps(), 0);
			}
			case CpuWorkload cpu -> line(RUN, task, "cpu", 0, 0, cpu.iterations());
			case MixedWorkload mixed -> line(RUN, task, "mixed", mixed.millis(), 0, mixed.iterations());
			case HttpWorkload http -> line(RUN, task, "http", http.millis(), 0, 0);
			case LockWorkload lock ->
				throw new IllegalArgumentException("a lock is shared by the tasks of one JVM: not in a worker");
			case DbWorkload db ->
				throw new IllegalArgumentException("the db workload's pool belongs to the service: not in a worker");
			// The size travels in the iterations field.
			case FileWorkload file ->
				line(RUN, task, (file.op() == FileWorkload.Op.READ) ? "file-read" : "file-write", 0, 0, file.sizeKiB());
			// Steps travel in the type field: "steps:wait=20,cpu=1000" (kinds and
			// numbers).
			case StepsWorkload steps -> line(RUN, task,
					"steps:" + steps.steps()
						.stream()
						.map((step) -> step.kind().key() + "=" + step.amount())
						.collect(Collectors.joining(",")),
					0, 0, 0);
		};
	}

	static Request parseRun(String line) {
		String[] fields = split(line, 6);
		if (!RUN.equals(fields[0])) {
			throw new IllegalArgumentException("expected RUN");
		}
		int task = Integer.parseInt(fields[1]);
		long millis = Long.parseLong(fields[3]);
		int steps = Integer.parseInt(fields[4]);
		long iterations = Long.parseLong(fields[5]);
		Workload workload = switch (fields[2]) {
			case "sleep" -> new SleepWorkload(millis, steps);
			case "cpu" -> new CpuWorkload(iterations);
			case "mixed" -> new MixedWorkload(millis, iterations);
			case "http" -> new HttpWorkload(millis);
			case "file-read" -> new FileWorkload(FileWorkload.Op.READ, iterations);
			case "file-write" -> new FileWorkload(FileWorkload.Op.WRITE, iterations);
			default -> {
				if (!fields[2].startsWith("steps:")) {
					throw new IllegalArgumentException("unknown workload type");
				}
				List<StepsWorkload.Step> profile = new ArrayList<>();
				for (String step : fields[2].substring("steps:".length()).split(",")) {
					String[] parts = step.split("=", 2);
					profile.add(StepsWorkload.Step.of(Map.of(parts[0], Long.parseLong(parts[1]))));
				}
				yield new StepsWorkload(profile, 0, 0);
			}
		};
		return new Request(task, workload);
	}

	static String done(int task, long result, long workNanos, long cpuNanos, long waitNanos, long computeNanos) {
		return DONE + "\t" + task + "\t" + result + "\t" + workNanos + "\t" + cpuNanos + "\t" + waitNanos + "\t"
				+ computeNanos;
	}

	static String fail(int task, long workNanos, long cpuNanos, long waitNanos, long computeNanos, String message) {
		return FAIL + "\t" + task + "\t" + workNanos + "\t" + cpuNanos + "\t" + waitNanos + "\t" + computeNanos + "\t"
				+ message.replaceAll("[\\t\\r\\n]+", " ");
	}

	/**
	 * Parses a DONE or FAIL line; anything else is an {@link IllegalArgumentException}.
	 */
	static Reply parseReply(String line) {
		if (line.startsWith(DONE + "\t")) {
			String[] fields = split(line, 7);
			return new Reply(Integer.parseInt(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
					Long.parseLong(fields[4]), Long.parseLong(fields[5]), Long.parseLong(fields[6]), null);
		}
		if (line.startsWith(FAIL + "\t")) {
			String[] fields = line.split("\t", 7);
			if (fields.length == 7) {
				return new Reply(Integer.parseInt(fields[1]), 0, Long.parseLong(fields[2]), Long.parseLong(fields[3]),
						Long.parseLong(fields[4]), Long.parseLong(fields[5]), fields[6]);
			}
		}
		throw new IllegalArgumentException("not a reply");
	}

	private static String line(String kind, int task, String type, long millis, int steps, long iterations) {
		return kind + "\t" + task + "\t" + type + "\t" + millis + "\t" + steps + "\t" + iterations;
	}

	private static String[] split(String line, int expected) {
		String[] fields = line.split("\t", -1);
		if (fields.length != expected) {
			throw new IllegalArgumentException("expected " + expected + " fields, got " + fields.length);
		}
		return fields;
	}

}
