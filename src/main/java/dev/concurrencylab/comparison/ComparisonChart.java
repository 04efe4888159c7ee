package dev.concurrencylab.comparison;

import java.util.List;

import dev.concurrencylab.report.Svg;

/**
 * The bar chart of a comparison: one bar per mode at its median wall time, a whisker from
 * the fastest to the slowest run, and the mode's ideal marked by a dashed line.
 */
final class ComparisonChart {

	private static final int WIDTH = 900;

	private static final int LEFT = 130;

	private static final int RIGHT = 150;

	private static final int TOP = 60;

	private static final int ROW = 38;

	private ComparisonChart() {
	}

	static String render(ComparisonView view) {
		List<ModeResult> results = view.results();
		int height = TOP + Math.max(1, results.size()) * ROW + 60;
		double max = 1;
		for (ModeResult result : results) {
			if (result.wallMillis() != null) {
				max = Math.max(max, Math.max(result.wallMillis().max(), result.idealMillis()));
			}
		}
		double plotWidth = WIDTH - LEFT - RIGHT;
		double scale = plotWidth / max;
		Svg svg = new Svg(WIDTH, height);
		svg.text(LEFT, 20, "Wall time per mode: " + view.workload().typeId() + " × " + view.tasks() + " tasks, "
				+ view.repeats() + " runs each (" + view.status() + ")", "start", 13, true);
		svg.rect(LEFT, 32, 12, 10, "#4c78a8", 1, null);
		svg.text(LEFT + 16, 41, "median wall", "start", 10, false);
		svg.line(LEFT + 100, 37, LEFT + 124, 37, "#333", 1.5, false);
		svg.text(LEFT + 128, 41, "fastest–slowest run", "start", 10, false);
		svg.line(LEFT + 250, 31, LEFT + 250, 43, "#e45756", 2, true);
		svg.text(LEFT + 256, 41, "ideal", "start", 10, false);
		double step = Svg.niceStep(max, 8);
		double bottom = TOP + results.size() * ROW;
		for (double t = 0; t <= max + step / 1000; t += step) {
			double x = LEFT + t * scale;
			svg.line(x, TOP - 4, x, bottom, "#e6e6e6", 1, false);
			svg.text(x, bottom + 14, Svg.millisLabel(t), "middle", 10, false);
		}
		svg.text(LEFT + plotWidth / 2, bottom + 32, "wall time", "middle", 10, false);
		for (int i = 0; i < results.size(); i++) {
			ModeResult result = results.get(i);
			double y = TOP + i * ROW;
			svg.text(LEFT - 8, y + ROW / 2.0 + 4, result.mode(), "end", 11, true);
			if (result.wallMillis() == null) {
				svg.text(LEFT + 4, y + ROW / 2.0 + 4, "no successful run yet", "start", 10, false);
				continue;
			}
			double barTop = y + 8;
			double barHeight = ROW - 16;
			svg.rect(LEFT, barTop, Math.max(1, result.wallMillis().median() * scale), barHeight, "#4c78a8", 0.85,
					result.mode() + ": median " + Svg.millisLabel(result.wallMillis().median()));
			double minX = LEFT + result.wallMillis().min() * scale;
			double maxX = LEFT + result.wallMillis().max() * scale;
			double mid = barTop + barHeight / 2;
			svg.line(minX, mid, maxX, mid, "#333", 1.5, false);
			svg.line(minX, mid - 5, minX, mid + 5, "#333", 1.5, false);
			svg.line(maxX, mid - 5, maxX, mid + 5, "#333", 1.5, false);
			double idealX = LEFT + result.idealMillis() * scale;
			svg.line(idealX, y + 3, idealX, y + ROW - 3, "#e45756", 2, true);
			svg.text(WIDTH - RIGHT + 8, y + ROW / 2.0 + 4, Svg.millisLabel(result.wallMillis().median())
					+ ((result.vsSequential() != null) ? " · " + Verdict.x(result.vsSequential()) + "× seq" : "")
					+ " · eff " + Math.round(result.efficiency() * 100) + "%", "start", 10, false);
		}
		return svg.end();
	}

}
