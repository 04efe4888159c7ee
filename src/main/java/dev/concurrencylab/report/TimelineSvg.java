package dev.concurrencylab.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskState;

/**
 * The Gantt chart of an experiment: time on x, one lane per thread (or worker process) in
 * the order they first ran a task, one bar per task coloured by outcome, and the number
 * of tasks in flight over time below. Past {@link #MAX_LANES} lanes, neighbouring lanes
 * share a row; past {@link #MAX_BARS} tasks, each row shows how busy its lanes were per
 * time bin instead of single bars, so the picture stays readable and small (well under 1
 * MB).
 */
public final class TimelineSvg {

	static final int MAX_LANES = 48;

	static final int MAX_BARS = 2_000;

	private static final int BINS = 240;

	private static final int WIDTH = 1000;

	private static final int LEFT = 180;

	private static final int RIGHT = 20;

	private static final int TOP = 56;

	private static final int CURVE_HEIGHT = 110;

	private static final String SUCCEEDED = "#4c78a8";

	private static final String FAILED = "#e45756";

	private static final String CANCELLED = "#9d9d9d";

	private static final String RUNNING = "#f58518";

	private TimelineSvg() {
	}

	/**
	 * Renders the timeline of {@code log} (null: no task yet); {@code title} heads it.
	 */
	public static String render(TaskLog log, String title) {
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
		double rowHeight = Math.max(8, Math.min(22, 520.0 / rows));
		double chartTop = TOP;
		double chartHeight = rows * rowHeight;
		double curveTop = chartTop + chartHeight + 34;
		int height = (int) (curveTop + CURVE_HEIGHT + 40);
		double plotWidth = WIDTH - LEFT - RIGHT;
		double xScale = plotWidth / wall;

		Svg svg = new Svg(WIDTH, height);
		svg.text(LEFT, 18, title, "start", 13, true);
		legend(svg, drawn, size - drawn, lanes, rows);
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
				double x = LEFT + log.startNanos(task) * xScale;
				// A one-pixel gap keeps back-to-back tasks of one lane apart.
				double w = Math.max(1, (log.endNanos(task) - log.startNanos(task)) * xScale - 1);
				svg.rect(x, chartTop + row * rowHeight + 1, w, rowHeight - 2, color(log.state(task)), 0.9,
						"task " + task + ": " + Svg.millisLabel(log.startNanos(task) / 1e6) + " → "
								+ Svg.millisLabel(log.endNanos(task) / 1e6) + " (" + log.state(task) + ")");
			}
		}
		else {
			binned(svg, log, started, laneOf, rowOfLane, rows, wall, rowHeight, chartTop, plotWidth, lanes);
		}
		inFlight(svg, log, started, wall, curveTop, plotWidth);
		return svg.end();
	}

	private static void binned(Svg svg, TaskLog log, Integer[] started, Map<Long, Integer> laneOf, int[] rowOfLane,
			int rows, long wall, double rowHeight, double chartTop, double plotWidth, int lanes) {
		double binNanos = (double) wall / BINS;
		double[][] ok = new double[rows][BINS + 1];
		double[][] bad = new double[rows][BINS + 1];
		double[][] okFull = new double[rows][BINS + 1];
		double[][] badFull = new double[rows][BINS + 1];
		int[] lanesInRow = new int[rows];
		for (int lane = 0; lane < lanes; lane++) {
			lanesInRow[rowOfLane[lane]]++;
		}
		for (Integer task : started) {
			long key = log.processes() ? -log.pid(task) : log.threadId(task);
			int row = rowOfLane[laneOf.get(key)];
			boolean good = log.state(task) != TaskState.FAILED && log.state(task) != TaskState.CANCELLED;
			double s = Math.min(BINS, log.startNanos(task) / binNanos);
			double e = Math.min(BINS, log.endNanos(task) / binNanos);
			int b0 = (int) s;
			int b1 = (int) e;
			double[] partial = good ? ok[row] : bad[row];
			double[] full = good ? okFull[row] : badFull[row];
			if (b0 == b1) {
				partial[b0] += e - s;
			}
			else {
				partial[b0] += (b0 + 1) - s;
				partial[b1] += e - b1;
				full[b0 + 1] += 1;
				full[b1] -= 1;
			}
		}
		double binWidth = plotWidth / BINS;
		for (int row = 0; row < rows; row++) {
			drawRow(svg, ok[row], okFull[row], lanesInRow[row], SUCCEEDED, chartTop + row * rowHeight, rowHeight,
					binWidth);
			drawRow(svg, bad[row], badFull[row], lanesInRow[row], FAILED, chartTop + row * rowHeight, rowHeight,
					binWidth);
		}
	}

	/**
	 * One row of occupancy bins; equal neighbouring shades are merged into one rectangle.
	 */
	private static void drawRow(Svg svg, double[] partial, double[] full, int lanes, String color, double y,
			double height, double binWidth) {
		double running = 0;
		int runStart = -1;
		double runShade = 0;
		for (int bin = 0; bin <= BINS; bin++) {
			double shade = 0;
			if (bin < BINS) {
				running += full[bin];
				double busy = (running + partial[bin]) / Math.max(1, lanes);
				shade = Math.min(1, Math.ceil(busy * 5) / 5.0);
			}
			if (shade != runShade || bin == BINS) {
				if (runStart >= 0 && runShade > 0) {
					svg.rect(LEFT + runStart * binWidth, y + 1, (bin - runStart) * binWidth, height - 2, color,
							runShade * 0.9, null);
				}
				runStart = bin;
				runShade = shade;
			}
		}
	}

	private static void inFlight(Svg svg, TaskLog log, Integer[] started, long wall, double top, double plotWidth) {
		long[] events = new long[started.length * 2];
		int n = 0;
		for (Integer task : started) {
			events[n++] = log.startNanos(task) * 2 + 1;
			events[n++] = log.endNanos(task) * 2;
		}
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
		double max = 1;
		for (double value : peak) {
			max = Math.max(max, value);
		}
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
		svg.line(LEFT, top + CURVE_HEIGHT, LEFT + plotWidth, top + CURVE_HEIGHT, "#888", 1, false);
		svg.line(LEFT, top, LEFT + plotWidth, top, "#ddd", 1, true);
		svg.text(LEFT - 6, top + 4, Svg.num(max), "end", 10, false);
		svg.text(LEFT - 6, top + CURVE_HEIGHT, "0", "end", 10, false);
		svg.text(LEFT - 6, top + CURVE_HEIGHT / 2, "tasks in flight", "end", 10, true);
		svg.polyline(xs, ys, RUNNING);
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

	private static void legend(Svg svg, int drawn, int neverStarted, int lanes, int rows) {
		double x = LEFT;
		double y = 38;
		for (String[] entry : new String[][] { { SUCCEEDED, "succeeded" }, { FAILED, "failed" },
				{ CANCELLED, "cancelled" }, { RUNNING, "running / in flight" } }) {
			svg.rect(x, y - 9, 12, 10, entry[0], 1, null);
			svg.text(x + 16, y, entry[1], "start", 10, false);
			x += 16 + entry[1].length() * 6 + 18;
		}
		String note = drawn + " tasks on " + lanes + " lane" + ((lanes == 1) ? "" : "s")
				+ ((rows < lanes) ? " (grouped into " + rows + " rows)" : "")
				+ ((drawn > MAX_BARS) ? ", shaded by how busy each row was" : "")
				+ ((neverStarted > 0) ? "; " + neverStarted + " never started" : "");
		svg.text(WIDTH - RIGHT, y, note, "end", 10, false);
	}

	private static String color(TaskState state) {
		return switch (state) {
			case SUCCEEDED -> SUCCEEDED;
			case FAILED -> FAILED;
			case CANCELLED -> CANCELLED;
			default -> RUNNING;
		};
	}

	/** A lane's name without the experiment prefix the title already names. */
	static String shortName(String name) {
		return name.replaceFirst("^lab-e\\d+-", "");
	}

	private static String abbreviate(String text) {
		return (text.length() <= 32) ? text : text.substring(0, 31) + "…";
	}

}
