package dev.concurrencylab.report;

import java.util.Locale;

/** A small SVG writer: just what the lab's charts need, escaped and compact. */
public final class Svg {

	private final StringBuilder out = new StringBuilder(64 * 1024);

	public Svg(int width, int height) {
		this.out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
			.append(width)
			.append("\" height=\"")
			.append(height)
			.append("\" viewBox=\"0 0 ")
			.append(width)
			.append(' ')
			.append(height)
			.append("\" font-family=\"sans-serif\" font-size=\"11\">\n")
			.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
	}

	public Svg rect(double x, double y, double width, double height, String fill, double opacity, String title) {
		box(x, y, width, height).append(" fill=\"").append(fill).append('"');
		if (opacity < 1) {
			this.out.append(" fill-opacity=\"").append(num(opacity)).append('"');
		}
		if (title != null) {
			this.out.append("><title>").append(escape(title)).append("</title></rect>\n");
		}
		else {
			this.out.append("/>\n");
		}
		return this;
	}

	/** A rectangle's edge only. */
	public Svg outline(double x, double y, double width, double height, String stroke, double strokeWidth) {
		box(x, y, width, height).append(" fill=\"none\" stroke=\"")
			.append(stroke)
			.append("\" stroke-width=\"")
			.append(num(strokeWidth))
			.append("\"/>\n");
		return this;
	}

	/** An open {@code <rect} element with its position and size. */
	private StringBuilder box(double x, double y, double width, double height) {
		return this.out.append("<rect x=\"")
			.append(num(x))
			.append("\" y=\"")
			.append(num(y))
			.append("\" width=\"")
			.append(num(width))
			.append("\" height=\"")
			.append(num(height))
			.append('"');
	}

	public Svg line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed) {
		this.out.append("<line x1=\"")
			.append(num(x1))
			.append("\" y1=\"")
			.append(num(y1))
			.append("\" x2=\"")
			.append(num(x2))
			.append("\" y2=\"")
			.append(num(y2))
			.append("\" stroke=\"")
			.append(stroke)
			.append("\" stroke-width=\"")
			.append(num(width))
			.append('"');
		if (dashed) {
			this.out.append(" stroke-dasharray=\"5 3\"");
		}
		this.out.append("/>\n");
		return this;
	}

	public Svg text(double x, double y, String text, String anchor, int size, boolean bold) {
		this.out.append("<text x=\"")
			.append(num(x))
			.append("\" y=\"")
			.append(num(y))
			.append("\" text-anchor=\"")
			.append(anchor)
			.append('"');
		if (size != 11) {
			this.out.append(" font-size=\"").append(size).append('"');
		}
		if (bold) {
			this.out.append(" font-weight=\"bold\"");
		}
		this.out.append('>').append(escape(text)).append("</text>\n");
		return this;
	}

	public Svg polyline(double[] xs, double[] ys, String stroke) {
		this.out.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"1.5\" points=\"");
		for (int i = 0; i < xs.length; i++) {
			this.out.append(num(xs[i])).append(',').append(num(ys[i])).append(' ');
		}
		this.out.append("\"/>\n");
		return this;
	}

	public String end() {
		return this.out.append("</svg>\n").toString();
	}

	public static String num(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e9) {
			return Long.toString((long) value);
		}
		return String.format(Locale.ROOT, "%.1f", value);
	}

	public static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/** A round step for about {@code ticks} ticks over {@code range}. */
	public static double niceStep(double range, int ticks) {
		double raw = Math.max(range, 1e-9) / ticks;
		double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
		double fraction = raw / magnitude;
		double nice = (fraction <= 1) ? 1 : (fraction <= 2) ? 2 : (fraction <= 5) ? 5 : 10;
		return nice * magnitude;
	}

	/** Milliseconds as a short label: 250 ms, 1.5 s. */
	public static String millisLabel(double millis) {
		if (millis >= 1000) {
			return String.format(Locale.ROOT, "%s s", num(Math.round(millis / 100.0) / 10.0));
		}
		return String.format(Locale.ROOT, "%s ms", num(Math.round(millis * 10) / 10.0));
	}

}
