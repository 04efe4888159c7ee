package dev.concurrencylab.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.statistics.distribution.TDistribution;

import dev.concurrencylab.store.Fingerprint;

/**
 * Results in the formats other tools read. Each benchmark is one mode's runs of one
 * scenario, each run one operation: its wall time.
 * <ul>
 * <li>JMH's JSON ({@code -rf json}), mode {@code ss} (single shot), unit {@code ms/op}:
 * score is the mean of the runs, scoreError the half-width of the 99.9 % interval from
 * Student's t as JMH computes it (NaN with one run, as JMH writes it), {@code rawData}
 * the runs, so jmh.morethan.io and JMH tooling read it.</li>
 * <li>Bencher Metric Format: per benchmark, {@code latency} in nanoseconds (Bencher's
 * unit) and {@code throughput} in tasks a second, each the median with the fastest and
 * slowest run as bounds.</li>
 * <li>CSV and a Markdown table in the shape of hyperfine's exports: mean ± standard
 * deviation, median, min, max and the mean relative to the fastest mode's.</li>
 * </ul>
 */
final class Exports {

	static final String JMH_VERSION = "1.37";

	private static final String[] PERCENTILES = { "0.0", "50.0", "90.0", "95.0", "99.0", "99.9", "99.99", "99.999",
			"99.9999", "100.0" };

	private Exports() {
	}

	/**
	 * One benchmark: a mode's runs of a scenario.
	 *
	 * @param name the benchmark's name, {@code concurrencylab.<workload>.<mode>}
	 * @param mode the mode
	 * @param threads its concurrency
	 * @param params the scenario: the workload's fields, tasks and concurrency
	 * @param wallMillis each run's wall time
	 * @param throughputs each run's tasks per second
	 */
	record Benchmark(String name, String mode, int threads, Map<String, String> params, List<Double> wallMillis,
			List<Double> throughputs) {
	}

	static List<Map<String, Object>> jmh(List<Benchmark> benchmarks, Fingerprint runtime) {
		List<Map<String, Object>> results = new ArrayList<>();
		for (Benchmark benchmark : benchmarks) {
			double[] runs = benchmark.wallMillis().stream().mapToDouble(Double::doubleValue).toArray();
			double mean = mean(runs);
			double error = error(runs);
			Map<String, Object> percentiles = new LinkedHashMap<>();
			for (String percentile : PERCENTILES) {
				percentiles.put(percentile, percentile(runs, Double.parseDouble(percentile)));
			}
			Map<String, Object> primary = new LinkedHashMap<>();
			primary.put("score", mean);
			primary.put("scoreError", Double.isNaN(error) ? "NaN" : error);
			primary.put("scoreConfidence",
					Double.isNaN(error) ? List.of("NaN", "NaN") : List.of(mean - error, mean + error));
			primary.put("scorePercentiles", percentiles);
			primary.put("scoreUnit", "ms/op");
			primary.put("rawData", List.of(benchmark.wallMillis()));
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("jmhVersion", JMH_VERSION);
			result.put("benchmark", benchmark.name());
			result.put("mode", "ss");
			result.put("threads", benchmark.threads());
			result.put("forks", 1);
			result.put("jvm", System.getProperty("java.home") + "/bin/java");
			result.put("jvmArgs", runtime.jvmFlags());
			result.put("jdkVersion", runtime.jdkVersion());
			result.put("vmName", runtime.vm());
			result.put("vmVersion", runtime.jdkVersion());
			result.put("warmupIterations", 0);
			result.put("warmupTime", "single-shot");
			result.put("warmupBatchSize", 1);
			result.put("measurementIterations", runs.length);
			result.put("measurementTime", "single-shot");
			result.put("measurementBatchSize", 1);
			result.put("params", benchmark.params());
			result.put("primaryMetric", primary);
			result.put("secondaryMetrics", Map.of());
			results.add(result);
		}
		return results;
	}

	static Map<String, Object> bencher(List<Benchmark> benchmarks) {
		Map<String, Object> metrics = new LinkedHashMap<>();
		for (Benchmark benchmark : benchmarks) {
			double[] walls = benchmark.wallMillis().stream().mapToDouble((millis) -> millis * 1e6).toArray();
			double[] rates = benchmark.throughputs().stream().mapToDouble(Double::doubleValue).toArray();
			Map<String, Object> measures = new LinkedHashMap<>();
			measures.put("latency", measure(walls));
			if (rates.length > 0) {
				measures.put("throughput", measure(rates));
			}
			metrics.put(benchmark.name(), measures);
		}
		return metrics;
	}

	static String csv(List<Benchmark> benchmarks) {
		StringBuilder csv = new StringBuilder("command,mean,stddev,median,min,max,runs,relative\n");
		double fastest = fastestMean(benchmarks);
		for (Benchmark benchmark : benchmarks) {
			double[] runs = benchmark.wallMillis().stream().mapToDouble(Double::doubleValue).toArray();
			csv.append(benchmark.mode())
				.append(',')
				.append(num(mean(runs)))
				.append(',')
				.append(num(stddev(runs)))
				.append(',')
				.append(num(percentile(runs, 50)))
				.append(',')
				.append(num(percentile(runs, 0)))
				.append(',')
				.append(num(percentile(runs, 100)))
				.append(',')
				.append(runs.length)
				.append(',')
				.append(num(mean(runs) / fastest))
				.append('\n');
		}
		return csv.toString();
	}

	static String markdown(List<Benchmark> benchmarks) {
		StringBuilder table = new StringBuilder(
				"| Mode | Mean [ms] | Median [ms] | Min [ms] | Max [ms] | Runs | Relative |\n"
						+ "|:---|---:|---:|---:|---:|---:|---:|\n");
		double fastest = fastestMean(benchmarks);
		for (Benchmark benchmark : benchmarks) {
			double[] runs = benchmark.wallMillis().stream().mapToDouble(Double::doubleValue).toArray();
			double mean = mean(runs);
			double sd = stddev(runs);
			table.append("| `")
				.append(benchmark.mode())
				.append("` | ")
				.append(fixed(mean))
				.append(Double.isNaN(sd) ? "" : " ± " + fixed(sd))
				.append(" | ")
				.append(fixed(percentile(runs, 50)))
				.append(" | ")
				.append(fixed(percentile(runs, 0)))
				.append(" | ")
				.append(fixed(percentile(runs, 100)))
				.append(" | ")
				.append(runs.length)
				.append(" | ")
				.append(String.format(Locale.ROOT, "%.2f", mean / fastest))
				.append(Double.isNaN(sd) || mean == fastest ? "" : String.format(Locale.ROOT, " ± %.2f", sd / fastest))
				.append(" |\n");
		}
		return table.toString();
	}

	private static Map<String, Object> measure(double[] values) {
		Map<String, Object> measure = new LinkedHashMap<>();
		measure.put("value", percentile(values, 50));
		measure.put("lower_value", percentile(values, 0));
		measure.put("upper_value", percentile(values, 100));
		return measure;
	}

	private static double fastestMean(List<Benchmark> benchmarks) {
		return benchmarks.stream()
			.mapToDouble(
					(benchmark) -> mean(benchmark.wallMillis().stream().mapToDouble(Double::doubleValue).toArray()))
			.min()
			.orElse(1);
	}

	static double mean(double[] values) {
		double sum = 0;
		for (double value : values) {
			sum += value;
		}
		return sum / values.length;
	}

	static double stddev(double[] values) {
		if (values.length < 2) {
			return Double.NaN;
		}
		double mean = mean(values);
		double squares = 0;
		for (double value : values) {
			squares += (value - mean) * (value - mean);
		}
		return Math.sqrt(squares / (values.length - 1));
	}

	/**
	 * JMH's score error: the half-width of the 99.9 % confidence interval of the mean,
	 * from Student's t; NaN with fewer than two runs.
	 */
	static double error(double[] values) {
		if (values.length < 2) {
			return Double.NaN;
		}
		double t = TDistribution.of(values.length - 1).inverseCumulativeProbability(1 - 0.001 / 2);
		return t * stddev(values) / Math.sqrt(values.length);
	}

	/** The percentile, linear between the ranks (R-7, as spreadsheets compute it). */
	static double percentile(double[] values, double percent) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		if (sorted.length == 1) {
			return sorted[0];
		}
		double rank = percent / 100 * (sorted.length - 1);
		int below = (int) Math.floor(rank);
		int above = Math.min(sorted.length - 1, below + 1);
		return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
	}

	private static String num(double value) {
		return Double.isNaN(value) ? "" : Double.toString(value);
	}

	private static String fixed(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

}
