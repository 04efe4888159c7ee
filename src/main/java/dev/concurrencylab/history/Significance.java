package dev.concurrencylab.history;

import java.util.Arrays;
import java.util.Locale;

import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.TTest;

/**
 * Whether a contender's runs of one figure (say the wall-clock milliseconds of repeated
 * runs of one execution mode) differ from a baseline's by more than chance, by how much,
 * and in which direction. Pure and deterministic: the same samples always give the same
 * {@link Result}, interval included; the samples are neither kept nor changed.
 *
 * <p>
 * The verdict rests on the two-sided Mann–Whitney U test, which compares ranks and so
 * needs neither normality nor equal spreads: run times are skewed (a long tail of slow
 * runs from GC, JIT or a noisy host), and with 3 to 10 runs a side normality can't even
 * be checked. Its p-value is exact when there are no ties and fewer than 50 runs a side,
 * and otherwise comes from the normal approximation with tie and continuity correction.
 * Welch's t p-value is given beside it for reference only.
 *
 * <p>
 * The shift is the Hodges–Lehmann estimate (the median of all contender − baseline
 * differences) with its distribution-free interval: the differences ranked k-th from
 * either end, k read off the same null distribution of U the test uses, so that an exact
 * interval excludes 0 just when p &lt;= 0.05. It holds at any sample size, where a
 * bootstrap of the difference of medians, with 3 to 10 runs a side, resamples so few
 * distinct values that its interval is too narrow and jumps with the seed.
 *
 * <p>
 * Numbers come from Apache Commons Statistics (medians, the tests, the normal
 * distribution); this class only picks, combines and words them.
 */
public final class Significance {

	/** The significance level: a Mann–Whitney p-value below it is a difference. */
	public static final double ALPHA = 0.05;

	/**
	 * The fewest runs per side, both sides equal, with which Mann–Whitney can reach p
	 * &lt; {@link #ALPHA}: 4 vs 4 gives p = 0.029 only when every contender run lies
	 * beyond every baseline run, so 5 vs 5 (best p = 0.008) is the sensible least.
	 */
	public static final int MIN_RUNS_PER_SIDE = 4;

	/** With fewer runs than this on each side and no ties, p and interval are exact. */
	static final int EXACT_BELOW = 50;

	/** The most pairs (baseline runs × contender runs): the interval sorts them all. */
	static final long MAX_PAIRS = 1_000_000;

	private static final Median MEDIAN = Median.withDefaults().withCopy(true);

	private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

	private static final MannWhitneyUTest EXACT_LOWER_TAIL = MannWhitneyUTest.withDefaults()
		.with(AlternativeHypothesis.LESS_THAN)
		.with(PValueMethod.EXACT);

	private Significance() {
	}

	/**
	 * Compares a contender's runs with a baseline's.
	 * @param label what the contender is, to begin the explanation ("virtual-threads")
	 * @param unit the figure's unit for the explanation ("ms"), or empty
	 * @param baseline the baseline's values, one a run, at least one, all finite
	 * @param contender the contender's values, one a run, at least one, all finite
	 * @param lowerIsBetter whether a lower figure is better (a time) or a higher one is
	 * (a throughput): it tells {@link Verdict#SLOWER} from {@link Verdict#FASTER}
	 * @return the comparison
	 * @throws IllegalArgumentException if a sample is null or empty or holds a NaN or an
	 * infinite value, if the label or unit is null, or if there are more than
	 * {@value #MAX_PAIRS} pairs of runs
	 */
	public static Result compare(String label, String unit, double[] baseline, double[] contender,
			boolean lowerIsBetter) {
		if (label == null || unit == null) {
			throw new IllegalArgumentException("label and unit are required (the unit may be empty)");
		}
		check("baseline", baseline);
		check("contender", contender);
		int m = baseline.length;
		int n = contender.length;
		long pairs = (long) m * n;
		if (pairs > MAX_PAIRS) {
			throw new IllegalArgumentException(String.format(Locale.ROOT,
					"%d baseline runs × %d contender runs make %d pairs, more than the %d this comparison sorts", m, n,
					pairs, MAX_PAIRS));
		}
		double baselineMedian = MEDIAN.evaluate(baseline);
		double contenderMedian = MEDIAN.evaluate(contender);
		double difference = contenderMedian - baselineMedian;
		double relativeChange = (baselineMedian != 0) ? difference / baselineMedian : Double.NaN;

		boolean smallEnough = Math.max(m, n) < EXACT_BELOW;
		MannWhitneyUTest test = mannWhitney(smallEnough);
		MannWhitneyUTest.Result mannWhitney = test.test(contender, baseline);
		boolean exact = smallEnough && !mannWhitney.hasTiedValues();
		double u = mannWhitney.getStatistic();
		// NaN only when all values are equal: nothing tells the sides apart.
		double p = Double.isNaN(mannWhitney.getPValue()) ? 1 : mannWhitney.getPValue();
		double cliffsDelta = 2 * u / pairs - 1;

		double[] differences = differences(baseline, contender);
		int middle = differences.length / 2;
		double shift = (differences.length % 2 == 1) ? differences[middle]
				: (differences[middle - 1] + differences[middle]) / 2;
		Interval interval = exact ? exactInterval(differences, m, n)
				: approximateInterval(differences, m, n, baseline, contender);

		double smallestP = smallestPossibleP(m, n);
		Verdict verdict;
		if (smallestP >= ALPHA) {
			verdict = Verdict.TOO_FEW_RUNS;
		}
		else if (p >= ALPHA) {
			verdict = Verdict.NO_SIGNIFICANT_DIFFERENCE;
		}
		else {
			verdict = ((cliffsDelta > 0) == lowerIsBetter) ? Verdict.SLOWER : Verdict.FASTER;
		}
		Magnitude effect = Magnitude.of(cliffsDelta);
		String explanation = explain(label, unit, m, n, baselineMedian, contenderMedian, relativeChange, interval, p,
				cliffsDelta, effect, verdict, smallestP);
		return new Result(m, n, baselineMedian, contenderMedian, difference, relativeChange, shift, interval, u, p,
				exact, welchP(baseline, contender), cliffsDelta, effect, verdict, explanation);
	}

	/**
	 * The smallest two-sided Mann–Whitney p-value these run counts can give at all: that
	 * of complete separation, every contender run beyond every baseline run. It is exact
	 * (2 / C(m + n, m)) below {@value #EXACT_BELOW} runs a side. At or above
	 * {@link #ALPHA} the comparison says {@link Verdict#TOO_FEW_RUNS}: 3 vs 3 can't do
	 * better than 0.10, 2 vs 7 than 0.056, 1 vs 39 than 0.05.
	 * @param baselineRuns the baseline's runs, at least one
	 * @param contenderRuns the contender's runs, at least one
	 * @return the smallest p-value possible
	 */
	public static double smallestPossibleP(int baselineRuns, int contenderRuns) {
		if (baselineRuns < 1 || contenderRuns < 1) {
			throw new IllegalArgumentException("each side needs at least one run");
		}
		double[] below = new double[baselineRuns];
		double[] above = new double[contenderRuns];
		for (int i = 0; i < baselineRuns; i++) {
			below[i] = i;
		}
		for (int j = 0; j < contenderRuns; j++) {
			above[j] = baselineRuns + j;
		}
		return mannWhitney(Math.max(baselineRuns, contenderRuns) < EXACT_BELOW).test(above, below).getPValue();
	}

	private static MannWhitneyUTest mannWhitney(boolean exact) {
		// Two-sided with continuity correction: the library's defaults. The method is
		// chosen here so that "exact" in the result can't drift from the library's AUTO.
		return MannWhitneyUTest.withDefaults().with(exact ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC);
	}

	private static void check(String side, double[] values) {
		if (values == null || values.length == 0) {
			throw new IllegalArgumentException("the " + side + " has no runs: each side needs at least one value");
		}
		for (int i = 0; i < values.length; i++) {
			if (!Double.isFinite(values[i])) {
				throw new IllegalArgumentException(
						String.format(Locale.ROOT, "the %s's value %d of %d is %s: every run must be a finite number",
								side, i + 1, values.length, values[i]));
			}
		}
	}

	/** Every contender − baseline difference, ascending. */
	private static double[] differences(double[] baseline, double[] contender) {
		double[] differences = new double[baseline.length * contender.length];
		int k = 0;
		for (double b : baseline) {
			for (double c : contender) {
				differences[k++] = c - b;
			}
		}
		Arrays.sort(differences);
		return differences;
	}

	/**
	 * The interval from the exact null distribution of U: with k the largest count such
	 * that P(U &lt;= k - 1) &lt;= ALPHA / 2, it runs from the k-th smallest difference to
	 * the k-th largest, with confidence 1 - 2 P(U &lt;= k - 1) (at least 95 % when the
	 * run counts allow it; otherwise k = 1, all the differences, at the confidence they
	 * give, as R's wilcox.test does).
	 */
	private static Interval exactInterval(double[] differences, int m, int n) {
		int feasible = 0;
		int infeasible = m * n / 2 + 1;
		while (infeasible - feasible > 1) {
			int k = (feasible + infeasible) >>> 1;
			if (exactCdf(k - 1, m, n) <= ALPHA / 2) {
				feasible = k;
			}
			else {
				infeasible = k;
			}
		}
		int k = Math.max(1, feasible);
		return new Interval(differences[k - 1], differences[differences.length - k], 1 - 2 * exactCdf(k - 1, m, n));
	}

	/**
	 * P(U &lt;= u) under the null hypothesis for m and n runs without ties: the library's
	 * exact one-sided p-value of a tie-free arrangement whose U is u. The arrangement
	 * puts the n values at 1, 3, 5, ... and each of the m values just above as many of
	 * them as it takes to add up to u.
	 */
	private static double exactCdf(int u, int m, int n) {
		if (u < 0) {
			return 0;
		}
		double[] x = new double[m];
		double[] y = new double[n];
		for (int j = 0; j < n; j++) {
			y[j] = 2 * j + 1;
		}
		int left = u;
		for (int i = 0; i < m; i++) {
			int beaten = Math.min(n, left);
			left -= beaten;
			x[i] = 2 * beaten + (i + 1.0) / (m + 1);
		}
		return EXACT_LOWER_TAIL.test(x, y).getPValue();
	}

	/**
	 * The interval from the normal approximation of U with tie correction (ties, or
	 * {@value #EXACT_BELOW} runs or more on a side): k = floor(mn/2 + 1/2 - z sd), the
	 * same k the continuity-corrected test would reject at, and the confidence that k
	 * gives.
	 */
	private static Interval approximateInterval(double[] differences, int m, int n, double[] baseline,
			double[] contender) {
		double[] pooled = new double[m + n];
		System.arraycopy(baseline, 0, pooled, 0, m);
		System.arraycopy(contender, 0, pooled, m, n);
		Arrays.sort(pooled);
		double ties = 0;
		for (int start = 0, end; start < pooled.length; start = end) {
			end = start + 1;
			while (end < pooled.length && pooled[end] == pooled[start]) {
				end++;
			}
			double t = end - start;
			ties += t * t * t - t;
		}
		double all = m + n;
		double pairs = (double) m * n;
		double variance = pairs / 12 * ((all + 1) - ties / (all * (all - 1)));
		if (variance <= 0) {
			// Every value is the same: every difference is 0.
			return new Interval(0, 0, 1);
		}
		double sd = Math.sqrt(variance);
		double z = STANDARD_NORMAL.inverseSurvivalProbability(ALPHA / 2);
		long k = Math.max(1, (long) Math.floor(pairs / 2 + 0.5 - z * sd));
		double confidence = 1 - 2 * STANDARD_NORMAL.cumulativeProbability((k - 0.5 - pairs / 2) / sd);
		return new Interval(differences[(int) k - 1], differences[differences.length - (int) k], confidence);
	}

	/**
	 * Welch's two-sided p, or NaN with fewer than two runs a side or no spread at all.
	 */
	private static double welchP(double[] baseline, double[] contender) {
		if (baseline.length < 2 || contender.length < 2 || (constant(baseline) && constant(contender))) {
			return Double.NaN;
		}
		return TTest.withDefaults().test(contender, baseline).getPValue();
	}

	private static boolean constant(double[] values) {
		return Arrays.stream(values).allMatch((v) -> v == values[0]);
	}

	private static String explain(String label, String unit, int m, int n, double baselineMedian,
			double contenderMedian, double relativeChange, Interval interval, double p, double cliffsDelta,
			Magnitude effect, Verdict verdict, double smallestP) {
		String prefix = label.isEmpty() ? "" : label + ": ";
		double width = Math.max(Math.abs(interval.low()), Math.abs(interval.high()));
		String change = String.format(Locale.ROOT, "%s → %s (%s%s CI %s to %s)", amount(baselineMedian, unit),
				amount(contenderMedian, unit), Double.isNaN(relativeChange) ? "" : percent(relativeChange) + ", ",
				confidence(interval.confidence()), amount(interval.low(), width, true, ""),
				amount(interval.high(), width, true, unit));
		String effectWords = String.format(Locale.ROOT, "effect %s (Cliff's δ = %.2f)",
				effect.name().toLowerCase(Locale.ROOT), cliffsDelta);
		return switch (verdict) {
			case TOO_FEW_RUNS -> String.format(Locale.ROOT,
					"%stoo few runs to tell: %s; with %d vs %d runs Mann–Whitney U can never reach p < %s (at best %s), so run at least %d a side (5 are better)",
					prefix, change, m, n, ALPHA, p(smallestP), MIN_RUNS_PER_SIDE);
			case NO_SIGNIFICANT_DIFFERENCE -> String.format(Locale.ROOT,
					"%sno significant difference: %s, %s (Mann–Whitney U), %s", prefix, change, p(p), effectWords);
			case SLOWER, FASTER -> String.format(Locale.ROOT, "%s%s, %s, %s (Mann–Whitney U), %s", prefix, change,
					verdict.name().toLowerCase(Locale.ROOT), p(p), effectWords);
		};
	}

	private static String amount(double value, String unit) {
		return amount(value, Math.abs(value), false, unit);
	}

	/** The value with as many decimals as a number of the given size needs. */
	private static String amount(double value, double size, boolean signed, String unit) {
		String pattern = (size >= 100) ? "%,.0f" : (size >= 10) ? "%,.1f" : (size >= 1) ? "%.2f" : "%.3g";
		String number = (value == 0) ? "0"
				: String.format(Locale.ROOT, signed ? pattern.replace("%", "%+") : pattern, value);
		return unit.isEmpty() ? number : number + " " + unit;
	}

	private static String percent(double relativeChange) {
		double percent = relativeChange * 100;
		return String.format(Locale.ROOT, (Math.abs(percent) >= 10) ? "%+,.0f %%" : "%+.1f %%", percent);
	}

	private static String confidence(double confidence) {
		return (confidence >= 1 - ALPHA) ? "95 %"
				: String.format(Locale.ROOT, "%d %%", (int) Math.floor(confidence * 100 + 1e-9));
	}

	private static String p(double p) {
		return (p < 0.001) ? "p < 0.001" : String.format(Locale.ROOT, (p < 0.1) ? "p = %.3f" : "p = %.2f", p);
	}

	/**
	 * What the comparison concludes, for a figure where lower or higher is better.
	 */
	public enum Verdict {

		/**
		 * Mann–Whitney p &gt;= {@link #ALPHA}: the runs don't show a difference. Not
		 * proof that there is none: see the interval for how large one could still be.
		 */
		NO_SIGNIFICANT_DIFFERENCE,

		/** p &lt; {@link #ALPHA} and the contender's runs are worse (higher times). */
		SLOWER,

		/** p &lt; {@link #ALPHA} and the contender's runs are better (lower times). */
		FASTER,

		/**
		 * So few runs that no outcome could give p &lt; {@link #ALPHA}; see
		 * {@link Significance#smallestPossibleP(int, int)}.
		 */
		TOO_FEW_RUNS

	}

	/**
	 * The usual words for the size of Cliff's δ (Romano et al., 2006): |δ| below 0.147 is
	 * negligible, below 0.33 small, below 0.474 medium, and large from there on.
	 */
	public enum Magnitude {

		/** |δ| &lt; 0.147. */
		NEGLIGIBLE,

		/** 0.147 &lt;= |δ| &lt; 0.33. */
		SMALL,

		/** 0.33 &lt;= |δ| &lt; 0.474. */
		MEDIUM,

		/** |δ| &gt;= 0.474. */
		LARGE;

		/**
		 * The words for a Cliff's δ.
		 * @param cliffsDelta Cliff's δ, in [-1, 1]
		 * @return its magnitude
		 */
		public static Magnitude of(double cliffsDelta) {
			double size = Math.abs(cliffsDelta);
			return (size < 0.147) ? NEGLIGIBLE : (size < 0.33) ? SMALL : (size < 0.474) ? MEDIUM : LARGE;
		}

	}

	/**
	 * A confidence interval for the shift, in the figure's unit.
	 *
	 * @param low the lower end: a contender − baseline difference
	 * @param high the upper end: a contender − baseline difference
	 * @param confidence the share of such intervals that hold the true shift, in [0, 1]:
	 * at least 0.95 whenever the run counts allow it (exactly what they give when the
	 * interval is exact, e.g. 0.968 for 5 vs 5; approximately otherwise), less when they
	 * don't (0.90 for 3 vs 3)
	 */
	public record Interval(double low, double high, double confidence) {

		/**
		 * Whether a shift lies in the interval, ends included.
		 * @param shift a contender − baseline difference
		 * @return whether it lies in the interval
		 */
		public boolean contains(double shift) {
			return this.low <= shift && shift <= this.high;
		}

	}

	/**
	 * The comparison of a contender's runs with a baseline's.
	 *
	 * @param baselineRuns how many baseline values there were
	 * @param contenderRuns how many contender values there were
	 * @param baselineMedian the baseline's median: its typical run
	 * @param contenderMedian the contender's median: its typical run
	 * @param differenceOfMedians contenderMedian − baselineMedian: positive when the
	 * contender's typical run is higher
	 * @param relativeChange differenceOfMedians ÷ baselineMedian (0.25 is 25 % higher),
	 * or NaN when the baseline median is 0
	 * @param shift the Hodges–Lehmann estimate of how far the contender's values sit from
	 * the baseline's: the median of every contender − baseline difference. Steadier than
	 * the difference of medians with few runs, and the same thing when the two differ by
	 * a shift
	 * @param shiftInterval the distribution-free confidence interval for that shift: when
	 * it excludes 0, Mann–Whitney rejects at its level
	 * @param mannWhitneyU the contender's Mann–Whitney U: of all baseline × contender
	 * pairs, how many have the contender higher, ties counting half
	 * @param mannWhitneyP the two-sided Mann–Whitney p-value: how often runs of two modes
	 * that perform alike would look at least this different. The verdict rests on it
	 * @param exact whether that p-value and the interval are exact (no ties, fewer than
	 * {@value Significance#EXACT_BELOW} runs a side) or from the normal approximation
	 * @param welchP Welch's two-sided t-test p-value on the means, for reference only: it
	 * assumes roughly normal runs, which skewed run times are not; NaN with fewer than
	 * two runs a side or when neither side varies
	 * @param cliffsDelta Cliff's δ in [-1, 1]: P(contender higher) − P(contender lower)
	 * for a random pair; 1 when every contender run is higher than every baseline run, 0
	 * when they interleave evenly
	 * @param effect the usual words for the size of Cliff's δ
	 * @param verdict what the comparison concludes
	 * @param explanation the whole comparison in one sentence
	 */
	public record Result(int baselineRuns, int contenderRuns, double baselineMedian, double contenderMedian,
			double differenceOfMedians, double relativeChange, double shift, Interval shiftInterval,
			double mannWhitneyU, double mannWhitneyP, boolean exact, double welchP, double cliffsDelta,
			Magnitude effect, Verdict verdict, String explanation) {

	}

}
