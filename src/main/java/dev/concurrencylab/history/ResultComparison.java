package dev.concurrencylab.history;

import java.util.List;

/**
 * A contender's results against a baseline's, mode by mode, as
 * {@code GET /history/compare} shows it.
 *
 * @param baseline what the baseline is
 * @param contender what the contender is
 * @param figure the figure compared: {@code wallMillis} (lower is better) or
 * {@code throughputPerSecond} (higher is better)
 * @param unit its unit
 * @param minChangePercent the smallest change of the median reported as a difference,
 * however small p is: below it the machine's run-to-run noise could make it
 * @param modes per mode in both sides: the statistics and a verdict
 * @param warnings what to keep in mind: different fingerprints, recorded interference,
 * modes on one side only
 * @param verdict the whole comparison in plain words
 */
public record ResultComparison(Side baseline, Side contender, String figure, String unit, double minChangePercent,
		List<ModeChange> modes, List<String> warnings, String verdict) {

	/**
	 * One side of the comparison.
	 *
	 * @param kind {@code comparison} (one id) or {@code experiments} (their ids)
	 * @param ids what was named
	 * @param runs its successful runs with the figure
	 * @param fingerprints the fingerprints of its runs
	 */
	public record Side(String kind, List<String> ids, int runs, List<String> fingerprints) {
	}

	/**
	 * One mode's change from the baseline to the contender.
	 *
	 * @param mode the mode
	 * @param baseline the baseline's values, one a run
	 * @param contender the contender's values, one a run
	 * @param baselineMedian the baseline's median
	 * @param contenderMedian the contender's median
	 * @param differenceOfMedians contender median − baseline median
	 * @param relativeChange that ÷ the baseline median (0.25 = 25 % higher); null when
	 * the baseline median is 0
	 * @param shift the Hodges–Lehmann estimate of the shift: the median of all contender
	 * − baseline differences
	 * @param shiftLow the low end of the shift's confidence interval
	 * @param shiftHigh the high end of the shift's confidence interval
	 * @param confidence the interval's confidence: 0.95 or more when the run counts allow
	 * it (exactly what they give), less when they don't
	 * @param mannWhitneyU the contender's U statistic
	 * @param mannWhitneyP the two-sided Mann–Whitney p-value, on which the verdict rests
	 * @param exact whether p and the interval are exact (no ties, under 50 runs a side)
	 * @param welchP Welch's t-test p-value, for reference; null with fewer than two runs
	 * a side or no spread
	 * @param cliffsDelta Cliff's δ in [-1, 1]: P(contender higher) − P(contender lower)
	 * @param effect the size of δ: NEGLIGIBLE, SMALL, MEDIUM or LARGE
	 * @param verdict NO_SIGNIFICANT_DIFFERENCE, SLOWER, FASTER or TOO_FEW_RUNS
	 * @param explanation the mode's comparison in one sentence
	 */
	public record ModeChange(String mode, List<Double> baseline, List<Double> contender, double baselineMedian,
			double contenderMedian, double differenceOfMedians, Double relativeChange, double shift, double shiftLow,
			double shiftHigh, double confidence, double mannWhitneyU, double mannWhitneyP, boolean exact, Double welchP,
			double cliffsDelta, String effect, String verdict, String explanation) {
	}

}
