package dev.concurrencylab.report;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;

/**
 * Runs as a trace in the Chrome Trace Event Format (JSON object form), which Perfetto UI
 * and {@code chrome://tracing} open. Times are microseconds from the first run's start.
 * <ul>
 * <li>A process per run (the service's JVM, named {@code process_name}) and one per
 * worker JVM; a track per thread ({@code thread_name}; virtual threads by id).</li>
 * <li>Each task is a complete slice ({@code X}) with its facts as args (task, status,
 * queued, spawn, cpu, phases, result, error), and its phases nested in it as slices of
 * their own, in the order the timeline draws them: {@code computing} (with its on-CPU,
 * off-CPU and lock-wait split as args: they alternate too finely to place), then
 * {@code waiting}, then {@code scheduling}. Where tasks overlap on one thread (an event
 * loop, async and reactive continuations) they are async slices ({@code b}/{@code e})
 * with the task's id instead, their phases nested under the same id, since overlapping
 * {@code X} slices on one thread break the viewers.</li>
 * <li>A worker's start-up is a {@code spawn} slice before its first task.</li>
 * <li>A counter ({@code C}) of the tasks in flight, and the stop (cancel, deadline,
 * shutdown) as an instant event.</li>
 * <li>When the run recorded JFR, each time one of its virtual threads was pinned to its
 * carrier, as an async slice {@code pinned} (category {@code jfr}) on that thread's track
 * with the reason and frame as args; JFR's clock is tied to the run's at its start, to
 * within about a millisecond.</li>
 * <li>Above {@code maxTasks} tasks, every k-th task is drawn; {@code otherData} says so.
 * The counter always counts every task.</li>
 * </ul>
 */
public final class TraceJson {

	/** Counter points kept at most per run; beyond that the peak of each bucket. */
	static final int MAX_COUNTER_POINTS = 20_000;

	/** The thread id of a run's own events (the counter, the stop). */
	static final int RUN_TRACK = 0;

	/** The thread id of a worker JVM's task thread. */
	static final int WORKER_TRACK = 1;

	private TraceJson() {
	}

	/**
	 * One run drawn as one process.
	 *
	 * @param name what the process is called, e.g. {@code virtual-threads · sleep}
	 * @param pid its process id in the trace (the service's pid for an experiment)
	 * @param log its tasks; null when it never started
	 * @param offsetNanos where its time zero lies on the trace's time line
	 * @param stop why it stopped early ({@code CANCELLED}, {@code DEADLINE},
	 * {@code SHUTDOWN}), or null
	 * @param stopNanos when, from its start, or -1
	 * @param marks what JFR recorded on the run's threads (pins), drawn as async slices
	 * @param arrived in the open model, how many tasks arrived (a counter then shows the
	 * backlog: arrived and not yet started); -1 in the closed model
	 */
	public record Run(String name, long pid, TaskLog log, long offsetNanos, String stop, long stopNanos,
			List<Mark> marks, int arrived) {

		public Run {
			marks = List.copyOf(marks);
		}

		/** A closed-model run. */
		public Run(String name, long pid, TaskLog log, long offsetNanos, String stop, long stopNanos,
				List<Mark> marks) {
			this(name, pid, log, offsetNanos, stop, stopNanos, marks, -1);
		}

		/** A closed-model run without marks. */
		public Run(String name, long pid, TaskLog log, long offsetNanos, String stop, long stopNanos) {
			this(name, pid, log, offsetNanos, stop, stopNanos, List.of());
		}

	}

	/**
	 * Something JFR saw a thread of the run do, e.g. a virtual thread pinned to its
	 * carrier.
	 *
	 * @param name the slice's name
	 * @param threadId the thread ({@link Thread#threadId()})
	 * @param startNanos when, from the run's start
	 * @param durationNanos how long
	 * @param reason why (an arg)
	 * @param frame the code that explains it (an arg), or null
	 */
	public record Mark(String name, long threadId, long startNanos, long durationNanos, String reason, String frame) {
	}

	/**
	 * Writes the trace.
	 * @param runs the runs, each a process
	 * @param maxTasks most task slices drawn over all runs
	 * @param out where to write; not closed
	 */
	public static void write(List<Run> runs, int maxTasks, OutputStream out) {
		long total = runs.stream().mapToLong((run) -> (run.log() != null) ? run.log().size() : 0).sum();
		int stride = (int) Math.max(1, (total + maxTasks - 1) / Math.max(1, maxTasks));
		OutputStream kept = new FilterOutputStream(out) {
			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				this.out.write(bytes, offset, length);
			}

			@Override
			public void close() throws IOException {
				flush(); // the caller closes the stream, not the generator
			}
		};
		try (JsonGenerator json = JsonMapper.shared().createGenerator(kept, JsonEncoding.UTF8)) {
			json.writeStartObject();
			json.writeStringProperty("displayTimeUnit", "ms");
			json.writeName("otherData");
			json.writeStartObject();
			json.writeStringProperty("source", "Concurrency Lab");
			json.writeStringProperty("timeUnit", "microseconds from the first run's start");
			json.writeNumberProperty("tasks", total);
			json.writeBooleanProperty("sampled", stride > 1);
			json.writeNumberProperty("taskStride", stride);
			json.writeStringProperty("note", (stride > 1) ? "One task in every " + stride + " is drawn (more than "
					+ maxTasks + " tasks); the counter counts all." : "Every task is drawn.");
			json.writeEndObject();
			json.writeName("traceEvents");
			json.writeStartArray();
			for (int index = 0; index < runs.size(); index++) {
				writeRun(json, runs.get(index), index, stride);
			}
			json.writeEndArray();
			json.writeEndObject();
		}
	}

	private static void writeRun(JsonGenerator json, Run run, int index, int stride) {
		metadata(json, "process_name", run.pid(), null, run.name());
		metadata(json, "process_sort_index", run.pid(), null, index);
		metadata(json, "thread_name", run.pid(), (long) RUN_TRACK, "run");
		TaskLog log = run.log();
		if (log == null) {
			return;
		}
		List<Integer> drawn = new ArrayList<>();
		for (int task = 0; task < log.size(); task += stride) {
			if (started(log, task)) {
				drawn.add(task);
			}
		}
		Map<Track, List<Integer>> byTrack = new LinkedHashMap<>();
		for (int task : drawn) {
			byTrack.computeIfAbsent(track(run, log, task), (key) -> new ArrayList<>()).add(task);
		}
		for (Map.Entry<Track, List<Integer>> entry : byTrack.entrySet()) {
			Track track = entry.getKey();
			List<Integer> tasks = entry.getValue();
			tasks.sort((a, b) -> Long.compare(log.startNanos(a), log.startNanos(b)));
			if (track.pid() != run.pid() && track.tid() == WORKER_TRACK) {
				metadata(json, "process_name", track.pid(), null,
						"worker JVM (pid " + track.pid() + ") · " + run.name());
				metadata(json, "process_sort_index", track.pid(), null, index);
			}
			metadata(json, "thread_name", track.pid(), track.tid(), track.name());
			boolean overlapping = overlapping(log, tasks);
			for (int task : tasks) {
				if (log.processes() && log.spawnNanos(task) > 0) {
					long spawnStart = log.startNanos(task) - log.spawnNanos(task);
					complete(json, "spawn", "spawn", track, run.offsetNanos() + spawnStart, log.spawnNanos(task), task,
							null);
				}
				if (overlapping) {
					asyncSlice(json, run, index, log, task, track);
				}
				else {
					complete(json, "task " + task, "task", track, run.offsetNanos() + log.startNanos(task),
							log.endNanos(task) - log.startNanos(task), task, log);
					phases(json, track, run.offsetNanos(), log, task, -1);
				}
			}
		}
		counter(json, run, log);
		marks(json, run, index);
		if (run.stop() != null && run.stopNanos() >= 0) {
			json.writeStartObject();
			json.writeStringProperty("name", run.stop().toLowerCase(Locale.ROOT));
			json.writeStringProperty("cat", "stop");
			json.writeStringProperty("ph", "i");
			json.writeStringProperty("s", "p");
			json.writeNumberProperty("pid", run.pid());
			json.writeNumberProperty("tid", RUN_TRACK);
			json.writeNumberProperty("ts", micros(run.offsetNanos() + run.stopNanos()));
			json.writeEndObject();
		}
	}

	/**
	 * JFR's marks on the run's threads, as async slices of category {@code jfr} (so they
	 * never break the nesting of the tasks' complete slices), on each thread's track.
	 */
	private static void marks(JsonGenerator json, Run run, int index) {
		long next = 0;
		for (Mark mark : run.marks()) {
			Track track = new Track(run.pid(), mark.threadId(), "virtual-" + mark.threadId());
			metadata(json, "thread_name", track.pid(), track.tid(), track.name());
			// Apart from the tasks' ids (index << 32 | task, task < 2^31) by the top bit.
			long id = ((long) index << 32) | (1L << 31) | next++;
			for (String phase : new String[] { "b", "e" }) {
				json.writeStartObject();
				json.writeStringProperty("name", mark.name());
				json.writeStringProperty("cat", "jfr");
				json.writeStringProperty("ph", phase);
				json.writeNumberProperty("id", id);
				json.writeNumberProperty("pid", track.pid());
				json.writeNumberProperty("tid", track.tid());
				json.writeNumberProperty("ts", micros(run.offsetNanos() + mark.startNanos()
						+ (phase.equals("e") ? Math.max(0, mark.durationNanos()) : 0)));
				if (phase.equals("b")) {
					json.writeName("args");
					json.writeStartObject();
					json.writeStringProperty("reason", mark.reason());
					if (mark.frame() != null) {
						json.writeStringProperty("frame", mark.frame());
					}
					json.writeEndObject();
				}
				json.writeEndObject();
			}
		}
	}

	/** A thread track: the service's thread, or a worker JVM's task thread. */
	private record Track(long pid, long tid, String name) {
	}

	private static Track track(Run run, TaskLog log, int task) {
		if (log.processes() && log.pid(task) > 0) {
			return new Track(log.pid(task), WORKER_TRACK, "worker task thread");
		}
		long id = log.threadId(task);
		String name = log.threadName(task);
		return new Track(run.pid(), id, (name != null) ? name : "thread " + id);
	}

	private static boolean started(TaskLog log, int task) {
		return log.threadId(task) != 0 || (log.processes() && log.pid(task) > 0);
	}

	/** Whether any two tasks of one track overlap in time (tasks sorted by start). */
	private static boolean overlapping(TaskLog log, List<Integer> tasks) {
		long lastEnd = Long.MIN_VALUE;
		for (int task : tasks) {
			if (log.startNanos(task) < lastEnd) {
				return true;
			}
			lastEnd = Math.max(lastEnd, log.endNanos(task));
		}
		return false;
	}

	private static void complete(JsonGenerator json, String name, String category, Track track, long startNanos,
			long durationNanos, int task, TaskLog log) {
		json.writeStartObject();
		json.writeStringProperty("name", name);
		json.writeStringProperty("cat", category);
		json.writeStringProperty("ph", "X");
		json.writeNumberProperty("pid", track.pid());
		json.writeNumberProperty("tid", track.tid());
		json.writeNumberProperty("ts", micros(startNanos));
		json.writeNumberProperty("dur", micros(Math.max(0, durationNanos)));
		args(json, task, log);
		json.writeEndObject();
	}

	private static void asyncSlice(JsonGenerator json, Run run, int index, TaskLog log, int task, Track track) {
		long id = ((long) index << 32) | task;
		asyncEvent(json, "b", "task " + task, id, track, run.offsetNanos() + log.startNanos(task), task, log);
		phases(json, track, run.offsetNanos(), log, task, id);
		asyncEvent(json, "e", "task " + task, id, track,
				run.offsetNanos() + Math.max(log.startNanos(task), log.endNanos(task)), task, null);
	}

	/**
	 * The phases of an ended task, nested in its slice one after another from its start:
	 * complete slices, or with an async id ({@code asyncId} ≥ 0) nested async slices.
	 */
	private static void phases(JsonGenerator json, Track track, long offsetNanos, TaskLog log, int task, long asyncId) {
		if (!log.state(task).isFinished()) {
			return;
		}
		TaskPhases phases = TaskPhases.of(log, task);
		long at = offsetNanos + log.startNanos(task);
		long computing = phases.onCpu() + phases.offCpu() + phases.lockWait();
		long[] lengths = { computing, phases.poolWait(), phases.waiting(), phases.scheduling() };
		String[] names = { "computing", "poolWait", "waiting", "scheduling" };
		for (int i = 0; i < lengths.length; i++) {
			if (lengths[i] <= 0) {
				continue;
			}
			if (asyncId >= 0) {
				asyncEvent(json, "b", names[i], asyncId, track, at, task, null);
				asyncEvent(json, "e", names[i], asyncId, track, at + lengths[i], task, null);
			}
			else {
				json.writeStartObject();
				json.writeStringProperty("name", names[i]);
				json.writeStringProperty("cat", "phase");
				json.writeStringProperty("ph", "X");
				json.writeNumberProperty("pid", track.pid());
				json.writeNumberProperty("tid", track.tid());
				json.writeNumberProperty("ts", micros(at));
				json.writeNumberProperty("dur", micros(lengths[i]));
				if (i == 0) {
					computingArgs(json, phases);
				}
				json.writeEndObject();
			}
			at += lengths[i];
		}
	}

	private static void computingArgs(JsonGenerator json, TaskPhases phases) {
		json.writeName("args");
		json.writeStartObject();
		json.writeNumberProperty("onCpuMillis", millis(phases.onCpu()));
		json.writeNumberProperty("offCpuMillis", millis(phases.offCpu()));
		json.writeNumberProperty("lockWaitMillis", millis(phases.lockWait()));
		json.writeStringProperty("onCpu", phases.cpuSource().name());
		json.writeEndObject();
	}

	/**
	 * One end of an async slice (a task, or a phase nested in it under the same id); a
	 * task's begin carries its args.
	 */
	private static void asyncEvent(JsonGenerator json, String phase, String name, long id, Track track, long nanos,
			int task, TaskLog log) {
		json.writeStartObject();
		json.writeStringProperty("name", name);
		json.writeStringProperty("cat", "task");
		json.writeStringProperty("ph", phase);
		json.writeNumberProperty("id", id);
		json.writeNumberProperty("pid", track.pid());
		json.writeNumberProperty("tid", track.tid());
		json.writeNumberProperty("ts", micros(nanos));
		if (log != null) {
			args(json, task, log);
		}
		json.writeEndObject();
	}

	private static void args(JsonGenerator json, int task, TaskLog log) {
		json.writeName("args");
		json.writeStartObject();
		json.writeNumberProperty("task", task);
		if (log != null) {
			TaskState state = log.state(task);
			json.writeStringProperty("status", state.name());
			json.writeNumberProperty("queuedMillis", millis(log.startNanos(task) - log.queuedNanos(task)));
			if (log.processes()) {
				json.writeNumberProperty("pid", log.pid(task));
				json.writeNumberProperty("spawnMillis", millis(log.spawnNanos(task)));
			}
			if (log.cpuNanos(task) >= 0) {
				json.writeNumberProperty("cpuMillis", millis(log.cpuNanos(task)));
			}
			if (state.isFinished()) {
				TaskPhases phases = TaskPhases.of(log, task);
				json.writeNumberProperty("waitingMillis", millis(phases.waiting()));
				json.writeNumberProperty("lockWaitMillis", millis(phases.lockWait()));
				if (phases.poolWait() > 0) {
					json.writeNumberProperty("poolWaitMillis", millis(phases.poolWait()));
				}
				json.writeNumberProperty("computingOnCpuMillis", millis(phases.onCpu()));
				json.writeNumberProperty("computingOffCpuMillis", millis(phases.offCpu()));
				json.writeNumberProperty("schedulingMillis", millis(phases.scheduling()));
			}
			if (state == TaskState.SUCCEEDED) {
				json.writeNumberProperty("result", log.result(task));
			}
			String error = log.error(task);
			if (error != null) {
				json.writeStringProperty("error", error);
			}
		}
		json.writeEndObject();
	}

	/**
	 * Tasks in flight over the run, from every task: a point per change, or bucket peaks.
	 */
	private static void counter(JsonGenerator json, Run run, TaskLog log) {
		int started = 0;
		for (int task = 0; task < log.size(); task++) {
			if (started(log, task)) {
				started++;
			}
		}
		long[] changes = new long[2 * started]; // time << 1 | (1 = start, 0 = end): ends
												// first
		int n = 0;
		for (int task = 0; task < log.size(); task++) {
			if (started(log, task)) {
				long start = log.startNanos(task);
				long end = Math.max(start, log.endNanos(task));
				changes[n++] = (start << 1) | 1;
				changes[n++] = end << 1;
			}
		}
		counter(json, run, changes, n, "tasks in flight", "inFlight");
		if (run.arrived() >= 0) {
			// Open model: the backlog, from each arrival to the task's start (or drop).
			int arrived = Math.min(run.arrived(), log.size());
			long[] waits = new long[2 * arrived];
			int m = 0;
			for (int task = 0; task < arrived; task++) {
				if (log.state(task) != TaskState.PENDING) {
					long queued = log.queuedNanos(task);
					waits[m++] = (queued << 1) | 1;
					waits[m++] = Math.max(queued, log.startNanos(task)) << 1;
				}
			}
			counter(json, run, waits, m, "tasks waiting to start", "backlog");
		}
	}

	/**
	 * A counter from its changes ({@code time << 1 | 1} adds one, {@code time << 1} takes
	 * one away): a point per change, or bucket peaks.
	 */
	private static void counter(JsonGenerator json, Run run, long[] changes, int n, String name, String arg) {
		Arrays.sort(changes, 0, n);
		int points = n;
		long bucket = 1;
		if (points > MAX_COUNTER_POINTS && n > 0) {
			long span = Math.max(1, (changes[n - 1] >> 1) - (changes[0] >> 1));
			bucket = Math.max(1, span / MAX_COUNTER_POINTS);
		}
		int inFlight = 0;
		long currentBucket = Long.MIN_VALUE;
		int peak = 0;
		for (int i = 0; i < n; i++) {
			long time = changes[i] >> 1;
			inFlight += ((changes[i] & 1) == 1) ? 1 : -1;
			boolean lastAtThisTime = (i + 1 == n) || (changes[i + 1] >> 1) != time;
			if (bucket == 1) {
				if (lastAtThisTime) {
					counterPoint(json, run, name, arg, time, inFlight);
				}
				continue;
			}
			long thisBucket = time / bucket;
			if (thisBucket != currentBucket) {
				if (currentBucket != Long.MIN_VALUE) {
					counterPoint(json, run, name, arg, currentBucket * bucket, peak);
				}
				currentBucket = thisBucket;
				peak = inFlight;
			}
			peak = Math.max(peak, inFlight);
			if (i + 1 == n) {
				counterPoint(json, run, name, arg, currentBucket * bucket, peak);
				counterPoint(json, run, name, arg, time, inFlight);
			}
		}
	}

	private static void counterPoint(JsonGenerator json, Run run, String name, String arg, long nanos, int value) {
		json.writeStartObject();
		json.writeStringProperty("name", name);
		json.writeStringProperty("ph", "C");
		json.writeNumberProperty("pid", run.pid());
		json.writeNumberProperty("tid", RUN_TRACK);
		json.writeNumberProperty("ts", micros(run.offsetNanos() + nanos));
		json.writeName("args");
		json.writeStartObject();
		json.writeNumberProperty(arg, value);
		json.writeEndObject();
		json.writeEndObject();
	}

	private static void metadata(JsonGenerator json, String name, long pid, Long tid, Object value) {
		json.writeStartObject();
		json.writeStringProperty("name", name);
		json.writeStringProperty("ph", "M");
		json.writeNumberProperty("pid", pid);
		if (tid != null) {
			json.writeNumberProperty("tid", tid);
		}
		json.writeName("args");
		json.writeStartObject();
		if (value instanceof Integer number) {
			json.writeNumberProperty("sort_index", number);
		}
		else {
			json.writeStringProperty("name", String.valueOf(value));
		}
		json.writeEndObject();
		json.writeEndObject();
	}

	/** Microseconds, with the nanoseconds as three decimals. */
	private static double micros(long nanos) {
		return nanos / 1_000.0;
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

}
