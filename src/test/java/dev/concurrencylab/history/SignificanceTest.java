package dev.concurrencylab.history;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.history.Significance.Magnitude;
import dev.concurrencylab.history.Significance.Result;
import dev.concurrencylab.history.Significance.Verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Reference values come from SciPy 1.17.1 (scipy.stats.mannwhitneyu, ttest_ind with
 * equal_var=False) and, for the exact intervals, from enumerating every split of the
 * pooled ranks in Python (what R's wilcox.test(conf.int = TRUE) computes).
 */
class SignificanceTest {

	private static final double BASELINE_MS = 412;

	@Test
	void exactPValueShouldMatchScipysDocumentedExample() {
		// scipy.stats.mannwhitneyu docs: males vs females, U = 17, exact p = 0.1111.
		double[] females = { 20, 11, 17, 12 };
		double[] males = { 19, 22, 16, 29, 24 };

		Result result = Significance.compare("males", "", females, males, true);

		assertThat(result.exact()).isTrue();
		assertThat(result.mannWhitneyU()).isEqualTo(17);
		assertThat(result.mannWhitneyP()).isCloseTo(0.1111111111111111, within(1e-12));
		assertThat(result.welchP()).isCloseTo(0.05675092592187574, within(1e-9));
		assertThat(result.shift()).isEqualTo(7);
		assertThat(result.shiftInterval().low()).isEqualTo(-1);
		assertThat(result.shiftInterval().high()).isEqualTo(17);
		assertThat(result.shiftInterval().confidence()).isCloseTo(0.9682539682539683, within(1e-12));
		assertThat(result.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_DIFFERENCE);
		assertThat(result.explanation())
			.isEqualTo("males: no significant difference: 14.5 → 22.0 (+52 %, 95 % CI -1.0 to +17.0), p = 0.11 "
					+ "(Mann–Whitney U), effect large (Cliff's δ = 0.70)");
	}

	@Test
	void fourTimesSlowerWithFiveRunsEachShouldBeSlowerWithThePinnedFigures() {
		double[] baseline = { 400, 412, 405, 420, 415 };
		double[] contender = { 1600, 1650, 1620, 1700, 1580 };

		Result result = Significance.compare("virtual-threads", "ms", baseline, contender, true);

		assertThat(result.verdict()).isEqualTo(Verdict.SLOWER);
		assertThat(result.baselineMedian()).isEqualTo(412);
		assertThat(result.contenderMedian()).isEqualTo(1620);
		assertThat(result.differenceOfMedians()).isEqualTo(1208);
		assertThat(result.relativeChange()).isCloseTo(1208.0 / 412, within(1e-12));
		assertThat(result.mannWhitneyP()).isCloseTo(0.007936507936507936, within(1e-12));
		assertThat(result.welchP()).isCloseTo(2.813939095299619e-07, within(1e-12));
		assertThat(result.shift()).isEqualTo(1208);
		assertThat(result.shiftInterval()).isEqualTo(new Significance.Interval(1168, 1288, 1 - 8.0 / 252));
		assertThat(result.cliffsDelta()).isEqualTo(1);
		assertThat(result.effect()).isEqualTo(Magnitude.LARGE);
		assertThat(result.explanation()).isEqualTo("virtual-threads: 412 ms → 1,620 ms (+293 %, 95 % CI +1,168 to "
				+ "+1,288 ms), slower, p = 0.008 (Mann–Whitney U), effect large (Cliff's δ = 1.00)");
	}

	@Test
	void higherIsBetterShouldTurnTheSameRunsIntoFaster() {
		double[] baseline = { 400, 412, 405, 420, 415 };
		double[] contender = { 1600, 1650, 1620, 1700, 1580 };

		Result throughput = Significance.compare("virtual-threads", "req/s", baseline, contender, false);
		Result times = Significance.compare("virtual-threads", "ms", contender, baseline, true);

		assertThat(throughput.verdict()).isEqualTo(Verdict.FASTER);
		assertThat(times.verdict()).isEqualTo(Verdict.FASTER);
		assertThat(times.cliffsDelta()).isEqualTo(-1);
		assertThat(times.shiftInterval().high()).isEqualTo(-1168);
		assertThat(times.explanation()).contains("(-75 %, 95 % CI -1,288 to -1,168 ms), faster, p = 0.008");
	}

	@Test
	void seededFourTimesSlowdownShouldBeSlowerWithAnIntervalThatHoldsTheTrueShift() {
		SplittableRandom random = new SplittableRandom(42);
		double[] baseline = runs(random, 5, BASELINE_MS);
		double[] contender = runs(random, 5, 4 * BASELINE_MS);

		Result result = Significance.compare("virtual-threads", "ms", baseline, contender, true);

		assertThat(result.verdict()).isEqualTo(Verdict.SLOWER);
		assertThat(result.shiftInterval().contains(0)).isFalse();
		assertThat(result.shiftInterval().contains(3 * BASELINE_MS)).isTrue();
		assertThat(result.relativeChange()).isCloseTo(3, within(0.1));
	}

	@Test
	void sameSeededDistributionShouldShowNoSignificantDifference() {
		SplittableRandom random = new SplittableRandom(7);

		Result result = Significance.compare("platform-threads", "ms", runs(random, 5, BASELINE_MS),
				runs(random, 5, BASELINE_MS), true);

		assertThat(result.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_DIFFERENCE);
		assertThat(result.shiftInterval().contains(0)).isTrue();
		assertThat(result.explanation()).startsWith("platform-threads: no significant difference: ");
	}

	@Test
	void sameDistributionShouldBeCalledDifferentNoMoreOftenThanTheTestsLevel() {
		// Exact 5 vs 5 rejects under the null with probability 8 / 252 = 0.032.
		SplittableRandom random = new SplittableRandom(2024);
		int trials = 2000;
		int different = 0;
		for (int i = 0; i < trials; i++) {
			Result result = Significance.compare("a", "ms", runs(random, 5, BASELINE_MS), runs(random, 5, BASELINE_MS),
					true);
			if (result.verdict() != Verdict.NO_SIGNIFICANT_DIFFERENCE) {
				different++;
			}
		}
		assertThat((double) different / trials).isBetween(0.015, 0.05);
	}

	@Test
	void intervalShouldHoldATrueShiftAtLeastAsOftenAsItsConfidenceSays() {
		// A pure shift of 30 ms with ±3 % noise on both sides; 5 vs 5 gives a 96.8 %
		// interval.
		SplittableRandom random = new SplittableRandom(99);
		int trials = 2000;
		int held = 0;
		for (int i = 0; i < trials; i++) {
			double[] baseline = runs(random, 5, BASELINE_MS);
			double[] contender = runs(random, 5, BASELINE_MS);
			for (int j = 0; j < contender.length; j++) {
				contender[j] += 30;
			}
			if (Significance.compare("a", "ms", baseline, contender, true).shiftInterval().contains(30)) {
				held++;
			}
		}
		assertThat((double) held / trials).isGreaterThan(0.95);
	}

	@Test
	void identicalSamplesShouldShowNoSignificantDifference() {
		double[] runs = { 410, 412, 415, 409, 420 };

		Result result = Significance.compare("same", "ms", runs, runs.clone(), true);

		assertThat(result.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_DIFFERENCE);
		assertThat(result.mannWhitneyP()).isEqualTo(1);
		assertThat(result.welchP()).isEqualTo(1);
		assertThat(result.differenceOfMedians()).isZero();
		assertThat(result.shift()).isZero();
		assertThat(result.cliffsDelta()).isZero();
		assertThat(result.effect()).isEqualTo(Magnitude.NEGLIGIBLE);
		assertThat(result.shiftInterval().contains(0)).isTrue();
		assertThat(result.explanation()).isEqualTo("same: no significant difference: 412 ms → 412 ms (+0.0 %, 95 % CI "
				+ "-8.00 to +8.00 ms), p = 1.00 (Mann–Whitney U), effect negligible (Cliff's δ = 0.00)");
	}

	@Test
	void tiesShouldUseTheNormalApproximationWithTieAndContinuityCorrection() {
		double[] baseline = { 10, 12, 12, 14, 15, 15, 18 };
		double[] contender = { 13, 15, 16, 16, 19, 20, 21 };

		Result result = Significance.compare("ties", "ms", baseline, contender, true);

		assertThat(result.exact()).isFalse();
		assertThat(result.mannWhitneyU()).isEqualTo(41);
		assertThat(result.mannWhitneyP()).isCloseTo(0.03958827133155858, within(1e-12));
		assertThat(result.welchP()).isCloseTo(0.03947208635013594, within(1e-9));
		assertThat(result.cliffsDelta()).isCloseTo(33.0 / 49, within(1e-12));
		assertThat(result.effect()).isEqualTo(Magnitude.LARGE);
		assertThat(result.shift()).isEqualTo(4);
		assertThat(result.shiftInterval().low()).isZero();
		assertThat(result.shiftInterval().high()).isEqualTo(7);
		assertThat(result.shiftInterval().confidence()).isCloseTo(0.9604117286684414, within(1e-9));
		assertThat(result.verdict()).isEqualTo(Verdict.SLOWER);
	}

	@Test
	void allValuesTheSameShouldShowNoDifferenceAndNoWelch() {
		double[] runs = { 100, 100, 100, 100, 100 };

		Result result = Significance.compare("flat", "ms", runs, runs.clone(), true);

		assertThat(result.verdict()).isEqualTo(Verdict.NO_SIGNIFICANT_DIFFERENCE);
		assertThat(result.mannWhitneyP()).isEqualTo(1);
		assertThat(result.welchP()).isNaN();
		assertThat(result.shiftInterval()).isEqualTo(new Significance.Interval(0, 0, 1));
	}

	@Test
	void largeSamplesShouldUseTheNormalApproximation() {
		double[] baseline = new double[60];
		double[] contender = new double[60];
		for (int i = 0; i < 60; i++) {
			baseline[i] = 100 + (i * 7919 % 1000) / 100.0;
			contender[i] = 101.005 + (i * 7907 % 1000) / 100.0;
		}

		Result result = Significance.compare("large", "ms", baseline, contender, true);

		assertThat(result.exact()).isFalse();
		assertThat(result.mannWhitneyU()).isEqualTo(2186);
		assertThat(result.mannWhitneyP()).isCloseTo(0.043037048340702364, within(1e-12));
		assertThat(result.welchP()).isCloseTo(0.0348419428221019, within(1e-9));
		assertThat(result.shift()).isCloseTo(1.135, within(1e-9));
		assertThat(result.shiftInterval().low()).isCloseTo(0.045, within(1e-9));
		assertThat(result.shiftInterval().high()).isCloseTo(2.245, within(1e-9));
		assertThat(result.shiftInterval().confidence()).isCloseTo(0.9500470427264741, within(1e-9));
		assertThat(result.verdict()).isEqualTo(Verdict.SLOWER);
	}

	@Test
	void threeRunsEachShouldBeTooFewEvenWhenEveryRunIsFourTimesSlower() {
		Result result = Significance.compare("virtual-threads", "ms", new double[] { 410, 412, 415 },
				new double[] { 1640, 1650, 1660 }, true);

		assertThat(result.verdict()).isEqualTo(Verdict.TOO_FEW_RUNS);
		assertThat(result.mannWhitneyP()).isCloseTo(0.1, within(1e-12));
		assertThat(result.welchP()).isLessThan(0.001);
		assertThat(result.shiftInterval()).isEqualTo(new Significance.Interval(1225, 1250, 0.9));
		assertThat(result.explanation()).isEqualTo("virtual-threads: too few runs to tell: 412 ms → 1,650 ms (+300 %, "
				+ "90 % CI +1,225 to +1,250 ms); with 3 vs 3 runs Mann–Whitney U can never reach p < 0.05 "
				+ "(at best p = 0.10), so run at least 4 a side (5 are better)");
	}

	@Test
	void fourRunsEachShouldBeEnoughWhenEveryRunIsSlower() {
		Result result = Significance.compare("virtual-threads", "ms", new double[] { 410, 412, 415, 411 },
				new double[] { 1640, 1650, 1660, 1655 }, true);

		assertThat(result.verdict()).isEqualTo(Verdict.SLOWER);
		assertThat(result.mannWhitneyP()).isCloseTo(2.0 / 70, within(1e-12));
	}

	@Test
	void smallestPossiblePShouldSayWhichRunCountsCanReachSignificance() {
		assertThat(Significance.smallestPossibleP(2, 2)).isCloseTo(1.0 / 3, within(1e-12));
		assertThat(Significance.smallestPossibleP(3, 3)).isCloseTo(0.1, within(1e-12));
		assertThat(Significance.smallestPossibleP(3, 4)).isCloseTo(2.0 / 35, within(1e-12));
		assertThat(Significance.smallestPossibleP(3, 5)).isCloseTo(2.0 / 56, within(1e-12));
		assertThat(Significance.smallestPossibleP(2, 7)).isCloseTo(2.0 / 36, within(1e-12));
		assertThat(Significance.smallestPossibleP(2, 8)).isCloseTo(2.0 / 45, within(1e-12));
		assertThat(Significance.smallestPossibleP(1, 39)).isCloseTo(0.05, within(1e-12));
		assertThat(Significance.smallestPossibleP(1, 40)).isCloseTo(2.0 / 41, within(1e-12));
		assertThat(Significance.smallestPossibleP(5, 5)).isCloseTo(2.0 / 252, within(1e-12));
		// Normal approximation from 50 runs a side: scipy gives 0.0938 for 1 vs 60.
		assertThat(Significance.smallestPossibleP(1, 60)).isCloseTo(0.09383863903410998, within(1e-9));
		int least = Significance.MIN_RUNS_PER_SIDE;
		assertThat(Significance.smallestPossibleP(least, least)).isLessThan(Significance.ALPHA);
		assertThat(Significance.smallestPossibleP(least - 1, least - 1)).isGreaterThanOrEqualTo(Significance.ALPHA);
		assertThat(Significance.compare("", "", new double[] { 1 }, new double[] { 2, 3, 4 }, true).verdict())
			.isEqualTo(Verdict.TOO_FEW_RUNS);
	}

	@Test
	void cliffsDeltaShouldCountPairsAndItsWordsShouldFollowTheUsualThresholds() {
		Result result = Significance.compare("", "", new double[] { 1, 2, 3, 4 }, new double[] { 2, 3, 5 }, true);

		// Higher: 5>1..4 (4), 3>1,2 (2), 2>1 (1) = 7; lower: 2<3,4 (2), 3<4 (1) = 3; ties
		// 2.
		assertThat(result.cliffsDelta()).isCloseTo((7.0 - 3) / 12, within(1e-12));
		assertThat(Magnitude.of(0.146)).isEqualTo(Magnitude.NEGLIGIBLE);
		assertThat(Magnitude.of(-0.147)).isEqualTo(Magnitude.SMALL);
		assertThat(Magnitude.of(0.33)).isEqualTo(Magnitude.MEDIUM);
		assertThat(Magnitude.of(0.473)).isEqualTo(Magnitude.MEDIUM);
		assertThat(Magnitude.of(-0.474)).isEqualTo(Magnitude.LARGE);
	}

	@Test
	void aZeroBaselineMedianShouldLeaveOutTheRelativeChange() {
		Result result = Significance.compare("x", "", new double[] { 0, 0, 0, 0, 0 }, new double[] { 1, 2, 3, 4, 5 },
				true);

		assertThat(result.relativeChange()).isNaN();
		assertThat(result.mannWhitneyP()).isCloseTo(0.007494957516935239, within(1e-12));
		assertThat(result.explanation()).startsWith("x: 0 → 3.00 (95 % CI +1.00 to +5.00), slower, p = 0.007");
	}

	@Test
	void theSamplesShouldBeLeftAsTheyWere() {
		double[] baseline = { 415, 400, 412 };
		double[] contender = { 1700, 1600, 1650, 1580 };

		Significance.compare("x", "ms", baseline, contender, true);

		assertThat(baseline).containsExactly(415, 400, 412);
		assertThat(contender).containsExactly(1700, 1600, 1650, 1580);
	}

	@Test
	void invalidSamplesShouldBeRefusedWithAClearMessage() {
		double[] runs = { 1, 2, 3 };
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Significance.compare("x", "ms", new double[0], runs, true))
			.withMessage("the baseline has no runs: each side needs at least one value");
		assertThatIllegalArgumentException().isThrownBy(() -> Significance.compare("x", "ms", runs, null, true))
			.withMessage("the contender has no runs: each side needs at least one value");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Significance.compare("x", "ms", runs, new double[] { 1, Double.NaN }, true))
			.withMessage("the contender's value 2 of 2 is NaN: every run must be a finite number");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Significance.compare("x", "ms", new double[] { Double.POSITIVE_INFINITY }, runs, true))
			.withMessage("the baseline's value 1 of 1 is Infinity: every run must be a finite number");
		assertThatIllegalArgumentException().isThrownBy(() -> Significance.compare(null, "ms", runs, runs, true))
			.withMessageContaining("label");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Significance.compare("x", "ms", new double[1001], new double[1000], true))
			.withMessageContaining("more than the 1000000");
		assertThatIllegalArgumentException().isThrownBy(() -> Significance.smallestPossibleP(0, 3))
			.withMessage("each side needs at least one run");
	}

	/** Runs around a typical value with ±3 % uniform noise. */
	private static double[] runs(SplittableRandom random, int count, double typical) {
		double[] runs = new double[count];
		for (int i = 0; i < count; i++) {
			runs[i] = typical * (1 + random.nextDouble(-0.03, 0.03));
		}
		return runs;
	}

}
