package dev.concurrencylab.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;
import dev.concurrencylab.workload.Phase;

/**
 * The Gantt chart of an experiment: time on x, one lane per thread (or worker process) in
 * the order they first ran a task, one bar per task from its start to its end with its
 * {@link Phases phases} drawn inside, and the number of tasks in flight over time below.
 *
 * <p>
 * Inside a bar, the phases are drawn in the order the workloads go through them: the
 * computation (its on-CPU, off-CPU and lock-wait parts stacked one above the other, in
 * proportion, because they alternate in slices too short to draw), then the waits, then
 * the rest (scheduling). A worker's start-up is drawn just before the bar. A failed task
 * has a red edge, a cancelled one a grey edge; a task still running is orange.
 *
 * <p>
 * Past {@link #MAX_LANES} lanes, neighbouring lanes share a row; past {@link #MAX_BARS}
 * tasks, each row shows per time bin how busy its lanes were, stacked by phase (each
 * task's phases spread over its bar in proportion), failed and cancelled time in red on
 * top, so the picture stays readable and small (well under 1 MB).
 */
public final class TimelineSvg {

	static final int MAX_LANES = 48;

	static final int MAX_BARS = 2_000;

	/** Tracks of overlapping tasks within one lane's row at most. */
	static final int MAX_TRACKS = 8;

	private static final int BINS = 240;

	private static final int WIDTH = 1000;

	private static final int LEFT = 180;

	private static final int RIGHT = 20;

	private static final int TOP = 80;

	private static final int CURVE_HEIGHT = 110;

	private static final String ON_CPU = "#4c78a8";

	private static final String OFF_CPU = "#9ecae9";

	private static final String LOCK_WAIT = "#b279a2";

	private static final String POOL_WAIT = "#9d755d";

	private static final String WAITING = "#54a24b";

	private static final String SCHEDULING = "#eeca3b";

	private static final String SPAWN = "#ff9da6";

	private static final String FAILED = "#e45756";

	private static final String CANCELLED = "#6f6f6f";

	private static final String RUNNING = "#f58518";

	private static final String BACKLOG = "#e45756";

	/** The phases inside a bar, in drawing order, with their colours and names. */
	private static final String[][] BAR_PHASES = { { ON_CPU, "computing on CPU" }, { OFF_CPU, "waiting for a core" },
			{ LOCK_WAIT, "waiting for the lock" }, { POOL_WAIT, "waiting for a connection" }, { WAITING, "waiting" },
			{ SCHEDULING, "waiting for its thread (scheduling)" } };

	private TimelineSvg() {
	}

	/**
	 * Renders the timeline of {@code log} (null: no task yet); {@code title} heads it.
	 */
	public static String render(TaskLog log, String title) {
		return render(log, title, -1);
	}

	/**
	 * Renders the timeline of {@code log} (null: no task yet); {@code title} heads it. In
	 * the open model ({@code arrived} ≥ 0 tasks arrived), the curve below also shows the
	 * backlog: tasks that had arrived and not yet started (or been dropped).
	 */
	public static String render(TaskLog log, String title, int arrived) {
		int size = (log != null) ? log.size() : 0;
		// Lanes in the order they first started a task.
		Map<Long, Integer> laneOf = new HashMap<>();
		List<String> laneNames = new ArrayList<>();
		Integer[] order = new Integer[size];
		int drawn = 0;
		for (int task = 0; task < size; task++) {
			if (log.threadId(task) != 0) {
				order[drawn++] = task;
			}
		}
		Integer[] started = Arrays.copyOf(order, drawn);
		Arrays.sort(started, (a, b) -> Long.compare(log.startNanos(a), log.startNanos(b)));
		long wall = 1;
		for (Integer task : started) {
			long key = log.processes() ? -log.pid(task) : log.threadId(task);
			if (!laneOf.containsKey(key)) {
				laneOf.put(key, laneNames.size());
				laneNames.add(log.processes() ? "pid " + log.pid(task) : log.threadName(task));
			}
			wall = Math.max(wall, log.endNanos(task));
		}
		int lanes = Math.max(1, laneNames.size());
		int rows = Math.min(lanes, MAX_LANES);
		// Tasks that overlap on one thread (an event loop, async continuations) get
		// tracks of their own within its row, where each lane has its own row.
		int[] trackOf = new int[size];
		int[] tracks = new int[lanes];
		Arrays.fill(tracks, 1);
		if (drawn <= MAX_BARS && rows == lanes) {
			tracks(log, started, laneOf, trackOf, tracks);
		}
		int mostTracks = Arrays.stream(tracks).max().orElse(1);
		double rowHeight = Math.max(8, Math.min(22 * Math.min(mostTracks, 4), 520.0 / rows));
		double chartTop = TOP;
		double chartHeight = rows * rowHeight;
		double curveTop = chartTop + chartHeight + 34;
		int height = (int) (curveTop + CURVE_HEIGHT + 40);
		double plotWidth = WIDTH - LEFT - RIGHT;
		double xScale = plotWidth / wall;

		Svg svg = new Svg(WIDTH, height);
		svg.text(LEFT, 18, title, "start", 13, true);
		legend(svg, drawn, size - drawn, lanes, rows, log != null && log.processes(),
				log != null && log.hasPhase(Phase.POOL_WAIT));
		axis(svg, wall, chartTop, chartHeight, curveTop, plotWidth);

		int[] rowOfLane = new int[lanes];
		for (int lane = 0; lane < lanes; lane++) {
			rowOfLane[lane] = (int) ((long) lane * rows / lanes);
		}
		for (int row = 0; row < rows; row++) {
			int first = -1;
			int last = -1;
			for (int lane = 0; lane < lanes; lane++) {
				if (rowOfLane[lane] == row) {
					first = (first < 0) ? lane : first;
					last = lane;
				}
			}
			// No lane at all when no task started (cancelled while queued): one empty
			// row.
			String label = (first < 0 || laneNames.isEmpty()) ? ""
					: (first == last) ? shortName(laneNames.get(first)) : shortName(laneNames.get(first)) + " … "
							+ shortName(laneNames.get(last)) + " (" + (last - first + 1) + ")";
			svg.text(LEFT - 6, chartTop + row * rowHeight + rowHeight * 0.7, abbreviate(label), "end",
					(rowHeight < 11) ? 8 : 10, false);
			if (row % 2 == 1) {
				svg.rect(LEFT, chartTop + row * rowHeight, plotWidth, rowHeight, "#f4f4f4", 1, null);
			}
		}
		if (drawn <= MAX_BARS) {
			for (Integer task : started) {
				long key = log.processes() ? -log.pid(task) : log.threadId(task);
				int row = rowOfLane[laneOf.get(key)];
				int laneTracks = (rows == lanes) ? tracks[laneOf.get(key)] : 1;
				// At least 3 px a track: past that, tracks share (modulo) the room there
				// is.
				int drawnTracks = Math.max(1, Math.min(laneTracks, (int) (rowHeight / 3)));
				double trackHeight = rowHeight / drawnTracks;
				bar(svg, log, task, chartTop + row * rowHeight + (trackOf[task] % drawnTracks) * trackHeight + 1,
						Math.max(1, trackHeight - 2), xScale);
			}
		}
		else {
			binned(svg, log, started, laneOf, rowOfLane, rows, wall, rowHeight, chartTop, plotWidth, lanes);
		}
		inFlight(svg, log, started, wall, curveTop, plotWidth, (log != null) ? Math.min(arrived, size) : -1);
		return svg.end();
	}

	/**
	 * Gives every task the first track of its lane that is free at its start, at most
	 * {@link #MAX_TRACKS} a lane (past that, tracks are shared again).
	 */
	private static void tracks(TaskLog log, Integer[] started, Map<Long, Integer> laneOf, int[] trackOf, int[] tracks) {
		long[][] freeFrom = new long[tracks.length][MAX_TRACKS];
		int[] used = new int[tracks.length];
		int[] next = new int[tracks.length];
		for (Integer task : started) {
			int lane = laneOf.get(log.processes() ? -log.pid(task) : log.threadId(task));
			long start = log.startNanos(task);
			int track = -1;
			for (int t = 0; t < used[lane]; t++) {
				if (freeFrom[lane][t] <= start) {
					track = t;
					break;
				}
			}
			if (track < 0) {
				if (used[lane] < MAX_TRACKS) {
					track = used[lane]++;
				}
				else {
					track = next[lane];
					next[lane] = (next[lane] + 1) % MAX_TRACKS;
				}
			}
			long end = log.state(task).isFinished() ? log.endNanos(task) : Long.MAX_VALUE;
			freeFrom[lane][track] = Math.max(freeFrom[lane][track], end);
			trackOf[task] = track;
		}
		for (int lane = 0; lane < tracks.length; lane++) {
			tracks[lane] = Math.max(1, used[lane]);
		}
	}

	/**
	 * One task's bar: its phases inside, a worker's start-up before it, its outcome as an
	 * edge.
	 */
	private static void bar(Svg svg, TaskLog log, int task, double y, double height, double xScale) {
		TaskState state = log.state(task);
		double x = LEFT + log.startNanos(task) * xScale;
		// A one-pixel gap keeps back-to-back tasks of one lane apart.
		double width = Math.max(1, (log.endNanos(task) - log.startNanos(task)) * xScale - 1);
		String when = "task " + task + ": " + Svg.millisLabel(log.startNanos(task) / 1e6) + " → "
				+ Svg.millisLabel(log.endNanos(task) / 1e6) + " (" + state + ")";
		if (!state.isFinished()) {
			svg.rect(x, y, width, height, RUNNING, 0.9, when);
			return;
		}
		TaskPhases phases = TaskPhases.of(log, task);
		if (phases.spawn() > 0) {
			double spawn = phases.spawn() * xScale;
			svg.rect(x - spawn, y + height * 0.25, Math.max(0.5, spawn - 0.5), height * 0.5, SPAWN, 0.9,
					"task " + task + ": worker start-up " + Svg.millisLabel(phases.spawn() / 1e6));
		}
		double scale = width / Math.max(1, phases.total() - phases.queued() - phases.spawn());
		double at = x;
		// The computation: its parts stacked, in proportion.
		long computing = phases.onCpu() + phases.offCpu() + phases.lockWait();
		if (computing > 0) {
			double w = computing * scale;
			double top = y;
			for (long[] part : new long[][] { { phases.onCpu(), 0 }, { phases.offCpu(), 1 },
					{ phases.lockWait(), 2 } }) {
				double h = height * part[0] / computing;
				if (h > 0) {
					svg.rect(at, top, w, h, BAR_PHASES[(int) part[1]][0], 0.95, null);
					top += h;
				}
			}
			at += w;
		}
		if (phases.poolWait() > 0) {
			svg.rect(at, y, phases.poolWait() * scale, height, POOL_WAIT, 0.95, null);
			at += phases.poolWait() * scale;
		}
		if (phases.waiting() > 0) {
			svg.rect(at, y, phases.waiting() * scale, height, WAITING, 0.95, null);
			at += phases.waiting() * scale;
		}
		if (phases.scheduling() > 0) {
			svg.rect(at, y, Math.max(0, x + width - at), height, SCHEDULING, 0.95, null);
		}
		// The whole bar carries the tooltip and the outcome.
		String edge = switch (state) {
			case FAILED -> FAILED;
			case CANCELLED -> CANCELLED;
			default -> null;
		};
		if (edge != null) {
			svg.outline(x, y, width, height, edge, 1.5);
		}
		svg.rect(x, y, width, height, "white", 0, when + "\n" + describe(phases));
	}

	private static String describe(TaskPhases phases) {
		StringBuilder text = new StringBuilder();
		long[] values = { phases.queued(), phases.spawn(), phases.onCpu(), phases.offCpu(), phases.lockWait(),
				phases.poolWait(), phases.waiting(), phases.scheduling() };
		String[] names = { "queued", "worker start-up", "computing on CPU", "waiting for a core",
				"waiting for the lock", "waiting for a connection", "waiting", "scheduling" };
		for (int i = 0; i < values.length; i++) {
			if (values[i] > 0) {
				text.append((text.isEmpty()) ? "" : ", ")
					.append(names[i])
					.append(' ')
					.append(Svg.millisLabel(values[i] / 1e6));
			}
		}
		if (phases.cpuSource() == Phases.CpuSource.ESTIMATED) {
			text.append(" (on-CPU estimated from the calibrated kernel cost)");
		}
		return text.toString();
	}

	/** Per row and time bin, how busy its lanes were, stacked by phase. */
	private static void binned(Svg svg, TaskLog log, Integer[] started, Map<Long, Integer> laneOf, int[] rowOfLane,
			int rows, long wall, double rowHeight, double chartTop, double plotWidth, int lanes) {
		double binNanos = (double) wall / BINS;
		int layers = BAR_PHASES.length + 2;
		// Per row and layer (the bar phases, failed or cancelled, running): time within
		// the
		// bins a task only partly covers, and a difference array of the full bins.
		double[][][] partial = new double[rows][layers][BINS + 1];
		double[][][] full = new double[rows][layers][BINS + 1];
		int[] lanesInRow = new int[rows];
		for (int lane = 0; lane < lanes; lane++) {
			lanesInRow[rowOfLane[lane]]++;
		}
		double[] shares = new double[layers];
		for (Integer task : started) {
			long key = log.processes() ? -log.pid(task) : log.threadId(task);
			int row = rowOfLane[laneOf.get(key)];
			shares(log, task, shares);
			double s = Math.min(BINS, log.startNanos(task) / binNanos);
			double e = Math.min(BINS, log.endNanos(task) / binNanos);
			int b0 = (int) s;
			int b1 = (int) e;
			for (int layer = 0; layer < layers; layer++) {
				double share = shares[layer];
				if (share == 0) {
					continue;
				}
				if (b0 == b1) {
					partial[row][layer][b0] += (e - s) * share;
				}
				else {
					partial[row][layer][b0] += ((b0 + 1) - s) * share;
					partial[row][layer][b1] += (e - b1) * share;
					full[row][layer][b0 + 1] += share;
					full[row][layer][b1] -= share;
				}
			}
		}
		double binWidth = plotWidth / BINS;
		for (int row = 0; row < rows; row++) {
			drawRow(svg, partial[row], full[row], lanesInRow[row], chartTop + row * rowHeight, rowHeight, binWidth);
		}
	}

	/**
	 * The share of a task's bar each layer takes: its bar phases, or all of it in the
	 * failed layer for a task that failed or was cancelled, or in the running layer.
	 */
	private static void shares(TaskLog log, int task, double[] shares) {
		Arrays.fill(shares, 0);
		TaskState state = log.state(task);
		if (!state.isFinished()) {
			shares[BAR_PHASES.length + 1] = 1;
			return;
		}
		if (state != TaskState.SUCCEEDED) {
			shares[BAR_PHASES.length] = 1;
			return;
		}
		TaskPhases phases = TaskPhases.of(log, task);
		double bar = Math.max(1, phases.total() - phases.queued() - phases.spawn());
		shares[0] = phases.onCpu() / bar;
		shares[1] = phases.offCpu() / bar;
		shares[2] = phases.lockWait() / bar;
		shares[3] = phases.poolWait() / bar;
		shares[4] = phases.waiting() / bar;
		shares[5] = phases.scheduling() / bar;
	}

	/**
	 * One row of bins, each a stack of its layers' busy shares, quantised to fifths of
	 * the row so that equal neighbouring bins merge into one set of rectangles (and the
	 * picture stays under 1 MB).
	 */
	private static void drawRow(Svg svg, double[][] partial, double[][] full, int lanes, double y, double height,
			double binWidth) {
		int layers = partial.length;
		double[] running = new double[layers];
		int[] previous = null;
		int runStart = 0;
		for (int bin = 0; bin <= BINS; bin++) {
			int[] fifths = new int[layers];
			if (bin < BINS) {
				for (int layer = 0; layer < layers; layer++) {
					running[layer] += full[layer][bin];
					double busy = (running[layer] + partial[layer][bin]) / Math.max(1, lanes);
					fifths[layer] = (int) Math.min(5, Math.round(busy * 5));
				}
			}
			if (previous != null && (bin == BINS || !Arrays.equals(previous, fifths))) {
				stack(svg, previous, LEFT + runStart * binWidth, (bin - runStart) * binWidth, y, height);
				runStart = bin;
			}
			if (previous == null || !Arrays.equals(previous, fifths)) {
				previous = fifths;
				runStart = bin;
			}
		}
	}

	private static void stack(Svg svg, int[] fifths, double x, double width, double y, double height) {
		double bottom = y + height - 1;
		double inner = height - 2;
		for (int layer = 0; layer < fifths.length && bottom > y; layer++) {
			if (fifths[layer] == 0) {
				continue;
			}
			double h = Math.min(inner * fifths[layer] / 5.0, bottom - (y + 1));
			String color = (layer < BAR_PHASES.length) ? BAR_PHASES[layer][0]
					: (layer == BAR_PHASES.length) ? FAILED : RUNNING;
			svg.rect(x, bottom - h, width, h, color, 0.9, null);
			bottom -= h;
		}
	}

	private static void inFlight(Svg svg, TaskLog log, Integer[] started, long wall, double top, double plotWidth,
			int arrived) {
		long[] events = new long[started.length * 2];
		int n = 0;
		for (Integer task : started) {
			events[n++] = log.startNanos(task) * 2 + 1;
			events[n++] = log.endNanos(task) * 2;
		}
		double[] peak = peaks(events, n, wall);
		double[] backlog = null;
		if (arrived >= 0) {
			// Open model: +1 at a task's arrival, -1 when it starts or is dropped.
			long[] waits = new long[arrived * 2];
			int m = 0;
			for (int task = 0; task < arrived; task++) {
				if (log.state(task) != TaskState.PENDING) {
					waits[m++] = log.queuedNanos(task) * 2 + 1;
					waits[m++] = Math.max(log.queuedNanos(task), log.startNanos(task)) * 2;
				}
			}
			backlog = peaks(waits, m, wall);
		}
		double max = 1;
		for (double value : peak) {
			max = Math.max(max, value);
		}
		if (backlog != null) {
			for (double value : backlog) {
				max = Math.max(max, value);
			}
		}
		svg.line(LEFT, top + CURVE_HEIGHT, LEFT + plotWidth, top + CURVE_HEIGHT, "#888", 1, false);
		svg.line(LEFT, top, LEFT + plotWidth, top, "#ddd", 1, true);
		svg.text(LEFT - 6, top + 4, Svg.num(max), "end", 10, false);
		svg.text(LEFT - 6, top + CURVE_HEIGHT, "0", "end", 10, false);
		if (backlog == null) {
			svg.text(LEFT - 6, top + CURVE_HEIGHT / 2, "tasks in flight", "end", 10, true);
		}
		else {
			// Two curves on one scale, named in a key inside the plot.
			svg.text(LEFT - 6, top + CURVE_HEIGHT / 2, "tasks", "end", 10, true);
			svg.rect(LEFT + 8, top + 6, 12, 10, RUNNING, 1, null);
			svg.text(LEFT + 24, top + 15, "in flight", "start", 10, false);
			svg.rect(LEFT + 84, top + 6, 12, 10, BACKLOG, 1, null);
			svg.text(LEFT + 100, top + 15, "arrived, waiting to start (the backlog)", "start", 10, false);
			curve(svg, backlog, max, top, plotWidth, BACKLOG);
		}
		curve(svg, peak, max, top, plotWidth, RUNNING);
	}

	/**
	 * The highest level per time bin of a count that events change: {@code time × 2 + 1}
	 * adds one, {@code time × 2} takes one away (a removal sorts before an addition at
	 * the same time).
	 */
	private static double[] peaks(long[] events, int n, long wall) {
		Arrays.sort(events, 0, n);
		double[] peak = new double[BINS];
		double binNanos = (double) wall / BINS;
		int current = 0;
		for (int i = 0; i < n; i++) {
			current += ((events[i] & 1) == 1) ? 1 : -1;
			int bin = (int) Math.min(BINS - 1, (events[i] / 2) / binNanos);
			peak[bin] = Math.max(peak[bin], current);
		}
		// A bin with no event keeps the level it was entered with.
		current = 0;
		int e = 0;
		for (int bin = 0; bin < BINS; bin++) {
			while (e < n && (events[e] / 2) < (bin) * binNanos) {
				current += ((events[e] & 1) == 1) ? 1 : -1;
				e++;
			}
			peak[bin] = Math.max(peak[bin], current);
		}
		return peak;
	}

	private static void curve(Svg svg, double[] peak, double max, double top, double plotWidth, String color) {
		double[] xs = new double[BINS * 2];
		double[] ys = new double[BINS * 2];
		double binWidth = plotWidth / BINS;
		for (int bin = 0; bin < BINS; bin++) {
			double y = top + CURVE_HEIGHT - peak[bin] / max * CURVE_HEIGHT;
			xs[bin * 2] = LEFT + bin * binWidth;
			xs[bin * 2 + 1] = LEFT + (bin + 1) * binWidth;
			ys[bin * 2] = y;
			ys[bin * 2 + 1] = y;
		}
		svg.polyline(xs, ys, color);
	}

	private static void axis(Svg svg, long wall, double chartTop, double chartHeight, double curveTop,
			double plotWidth) {
		double wallMillis = wall / 1e6;
		double step = Svg.niceStep(wallMillis, 8);
		double bottom = curveTop + CURVE_HEIGHT;
		for (double t = 0; t <= wallMillis + step / 1000; t += step) {
			double x = LEFT + t / wallMillis * plotWidth;
			svg.line(x, chartTop, x, bottom, "#e6e6e6", 1, false);
			svg.text(x, bottom + 14, Svg.millisLabel(t), "middle", 10, false);
		}
		svg.text(LEFT + plotWidth / 2, bottom + 30, "time since the experiment started", "middle", 10, false);
		svg.line(LEFT, chartTop + chartHeight, LEFT + plotWidth, chartTop + chartHeight, "#888", 1, false);
	}

	private static void legend(Svg svg, int drawn, int neverStarted, int lanes, int rows, boolean processes,
			boolean poolWaits) {
		double x = LEFT;
		double y = 36;
		List<String[]> entries = new ArrayList<>(List.of(BAR_PHASES));
		if (!poolWaits) {
			// Only the db workload waits for connections; the line has no room for all.
			entries.removeIf((entry) -> entry[0].equals(POOL_WAIT));
		}
		if (processes) {
			entries.add(new String[] { SPAWN, "worker start-up" });
		}
		for (String[] entry : entries) {
			svg.rect(x, y - 9, 12, 10, entry[0], 1, null);
			svg.text(x + 16, y, entry[1], "start", 10, false);
			x += 16 + entry[1].length() * 5.4 + 14;
		}
		x = LEFT;
		y = 54;
		for (String[] entry : new String[][] { { FAILED, "failed (edge)" }, { CANCELLED, "cancelled (edge)" } }) {
			svg.outline(x, y - 9, 12, 10, entry[0], 1.5);
			svg.text(x + 16, y, entry[1], "start", 10, false);
			x += 16 + entry[1].length() * 5.4 + 14;
		}
		svg.rect(x, y - 9, 12, 10, RUNNING, 1, null);
		svg.text(x + 16, y, "running / in flight", "start", 10, false);
		String note = drawn + " tasks on " + lanes + " lane" + ((lanes == 1) ? "" : "s")
				+ ((rows < lanes) ? " (grouped into " + rows + " rows)" : "")
				+ ((drawn > MAX_BARS) ? ", shaded by how busy each row was, by phase" : "")
				+ ((neverStarted > 0) ? "; " + neverStarted + " never started" : "");
		svg.text(LEFT, y + 16, note, "start", 10, false);
	}

	/** A lane's name without the experiment prefix the title already names. */
	static String shortName(String name) {
		return name.replaceFirst("^lab-e\\d+-", "");
	}

	private static String abbreviate(String text) {
		return (text.length() <= 32) ? text : text.substring(0, 31) + "…";
	}

}
