package dev.concurrencylab.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.concurrencylab.comparison.ComparisonService;
import dev.concurrencylab.comparison.ComparisonView;
import dev.concurrencylab.comparison.ModeResult;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.experiment.ExperimentService;
import dev.concurrencylab.experiment.ExperimentView;
import dev.concurrencylab.experiment.FieldProblem;
import dev.concurrencylab.experiment.InvalidRequestException;
import dev.concurrencylab.store.Fingerprint;
import dev.concurrencylab.store.Fingerprints;
import dev.concurrencylab.workload.Workload;

/**
 * {@code /history}: stored results over time and a contender against a baseline; and the
 * exports of experiments and comparisons in other tools' formats.
 */
@RestController
@Tag(name = "history", description = "Stored results over time, baseline vs contender, and exports")
class HistoryController {

	private static final MediaType MARKDOWN = MediaType.parseMediaType("text/markdown;charset=UTF-8");

	private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

	private final HistoryService history;

	private final StoredRuns runs;

	private final ComparisonService comparisons;

	private final ExperimentService experiments;

	private final Fingerprints fingerprints;

	private final Modes modes;

	private final JsonMapper json;

	HistoryController(HistoryService history, StoredRuns runs, ComparisonService comparisons,
			ExperimentService experiments, Fingerprints fingerprints, Modes modes, JsonMapper json) {
		this.history = history;
		this.runs = runs;
		this.comparisons = comparisons;
		this.experiments = experiments;
		this.fingerprints = fingerprints;
		this.modes = modes;
		this.json = json;
	}

	@GetMapping(path = "/history", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List a scenario's results over time",
			description = "Finished experiments from the store (every replica's, comparison runs included), newest "
					+ "first, filtered by workload type, mode, tasks and fingerprint (the machine and runtime they ran "
					+ "on: `fingerprints` says what each id stands for, and `GET /machine` gives this replica's).")
	HistoryView list(
			@Parameter(description = "a workload type, e.g. sleep") @RequestParam(required = false) String workload,
			@Parameter(description = "a mode id, e.g. virtual-threads") @RequestParam(required = false) String mode,
			@Parameter(description = "tasks per run") @RequestParam(required = false) @Min(1) Integer tasks,
			@Parameter(description = "a fingerprint id") @RequestParam(required = false) String fingerprint,
			@Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
			@Parameter(description = "page size, 1 to 100") @RequestParam(
					defaultValue = "20") @Min(1) @Max(100) int size) {
		List<FieldProblem> problems = new ArrayList<>();
		if (mode != null && this.modes.find(mode).isEmpty()) {
			problems.add(new FieldProblem("mode", "names no mode; GET /modes lists them", abbreviate(mode)));
		}
		if (workload != null && !Workload.TYPES.contains(workload)) {
			problems.add(new FieldProblem("workload", "must be one of " + String.join(", ", Workload.TYPES),
					abbreviate(workload)));
		}
		if (fingerprint != null && fingerprint.length() > 64) {
			problems.add(new FieldProblem("fingerprint", "is a 16-character id", abbreviate(fingerprint)));
		}
		if (!problems.isEmpty()) {
			throw new InvalidRequestException(problems);
		}
		return this.history.history(workload, mode, tasks, fingerprint, page, size);
	}

	@GetMapping(path = "/fingerprints/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Get a fingerprint",
			description = "The machine and runtime results were measured on: cores, CPU model, memory, cgroup limits, "
					+ "OS, JDK, the JVM's -X flags and the lab's version. `current` is this replica's.")
	@ApiResponse(responseCode = "200", description = "The fingerprint",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = Fingerprint.class)))
	@ApiResponse(responseCode = "404", description = "No result was measured on it",
			content = @Content(mediaType = "application/problem+json"))
	Fingerprint fingerprint(@PathVariable String id) {
		if (id.equals("current")) {
			return this.fingerprints.current();
		}
		return this.fingerprints.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No fingerprint has the id '"
					+ abbreviate(id) + "'; GET /history lists the fingerprints of stored results."));
	}

	@GetMapping(path = "/history/compare", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Compare a contender's results with a baseline's",
			description = "Each side is one comparison id (its runs, mode by mode) or up to 100 experiment ids "
					+ "separated by commas (grouped by mode). Per mode: the medians and their difference, the "
					+ "Hodges–Lehmann shift with its distribution-free confidence interval (95 % when the run counts "
					+ "allow it), the two-sided Mann–Whitney U test (exact below 50 runs a side without ties) on which "
					+ "the verdict rests, Welch's t for reference, Cliff's δ as the effect size, and a verdict: SLOWER, "
					+ "FASTER, NO_SIGNIFICANT_DIFFERENCE (p ≥ 0.05, or a change of the median under "
					+ "`minChangePercent` = 5 %, the run-to-run noise of a shared machine) or TOO_FEW_RUNS (fewer than "
					+ "4 runs a side can never reach p < 0.05; ask for `repeats` of 5 or more). `warnings` says when "
					+ "the fingerprints differ and when interference was recorded (rerun then).")
	@ApiResponse(responseCode = "200", description = "The comparison, mode by mode",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = ResultComparison.class)))
	@ApiResponse(responseCode = "400", description = "A side names nothing stored, or the figure is unknown",
			content = @Content(mediaType = "application/problem+json"))
	ResultComparison compare(
			@Parameter(description = "a comparison id, or experiment ids separated by commas",
					required = true) @RequestParam(required = false) String baseline,
			@Parameter(description = "a comparison id, or experiment ids separated by commas",
					required = true) @RequestParam(required = false) String contender,
			@Parameter(description = "wallMillis (default; lower is better) or throughputPerSecond") @RequestParam(
					required = false) String figure) {
		return this.history.compare(baseline, contender, figure);
	}

	@GetMapping(path = "/comparisons/{id}/export",
			produces = { MediaType.APPLICATION_JSON_VALUE, "text/csv", "text/markdown" })
	@Operation(summary = "Export a comparison for other tools",
			description = "`format=jmh`: JMH's JSON (one benchmark `concurrencylab.<workload>.<mode>` per mode, mode "
					+ "`ss`, each run one op in ms/op, score = mean, scoreError = the 99.9 % half-width JMH reports, "
					+ "rawData = the runs), which jmh.morethan.io reads. `format=bencher`: Bencher Metric Format "
					+ "(latency in ns, throughput in tasks/s: the median, bounded by the fastest and slowest run). "
					+ "`format=csv` and `format=markdown`: hyperfine's columns (mean ± σ, median, min, max, relative "
					+ "to the fastest mode). Only successful runs count.")
	@ApiResponse(responseCode = "200", description = "The export",
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(types = { "array", "object" },
									description = "jmh: an array of results; bencher: an object of benchmarks")),
					@Content(mediaType = "text/csv", schema = @Schema(type = "string")),
					@Content(mediaType = "text/markdown", schema = @Schema(type = "string")) })
	ResponseEntity<String> exportComparison(@PathVariable String id,
			@Parameter(description = "jmh, bencher, csv or markdown",
					example = "jmh") @RequestParam(defaultValue = "jmh") String format) {
		ComparisonView view = this.comparisons.view(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No comparison has the id '" + abbreviate(id)
							+ "'; finished ones are kept up to lab.store.max-comparisons and lab.store.max-age."));
		Map<String, String> scenario = scenario(view.workload(), view.tasks());
		List<StoredRuns.Run> stored = this.runs.ofComparison(id);
		List<Exports.Benchmark> benchmarks = new ArrayList<>();
		for (ModeResult result : view.results()) {
			List<StoredRuns.Run> succeeded = stored.stream()
				.filter((run) -> run.mode().equals(result.mode()) && run.succeeded())
				.toList();
			if (!succeeded.isEmpty()) {
				benchmarks.add(benchmark(view.workload().typeId(), result.mode(), succeeded.get(0).concurrency(),
						scenario, succeeded));
			}
		}
		return export(benchmarks, format, "comparison-" + id);
	}

	@GetMapping(path = "/experiments/{id}/export",
			produces = { MediaType.APPLICATION_JSON_VALUE, "text/csv", "text/markdown" })
	@Operation(summary = "Export an experiment for other tools",
			description = "As `GET /comparisons/{id}/export`, with the experiment as one benchmark of one run.")
	@ApiResponse(responseCode = "200", description = "The export",
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(types = { "array", "object" },
									description = "jmh: an array of results; bencher: an object of benchmarks")),
					@Content(mediaType = "text/csv", schema = @Schema(type = "string")),
					@Content(mediaType = "text/markdown", schema = @Schema(type = "string")) })
	ResponseEntity<String> exportExperiment(@PathVariable String id,
			@Parameter(description = "jmh, bencher, csv or markdown",
					example = "jmh") @RequestParam(defaultValue = "jmh") String format) {
		ExperimentView view = this.experiments.view(id);
		List<StoredRuns.Run> stored = this.runs.experiments(List.of(id))
			.stream()
			.filter(StoredRuns.Run::succeeded)
			.toList();
		if (stored.isEmpty()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "Experiment " + abbreviate(id) + " is "
					+ view.status() + ": only a finished, successful experiment has a result to export.");
		}
		Map<String, String> scenario = scenario(view.workload(), view.tasks());
		return export(List.of(benchmark(view.workload().typeId(), view.mode(), view.concurrency(), scenario, stored)),
				format, "experiment-" + id);
	}

	private ResponseEntity<String> export(List<Exports.Benchmark> benchmarks, String format, String name) {
		if (benchmarks.isEmpty() && !format.equals("jmh") && !format.equals("bencher")) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "No run succeeded: there is nothing to export.");
		}
		return switch (format) {
			case "jmh" -> file(this.json.writeValueAsString(Exports.jmh(benchmarks, this.fingerprints.current())),
					MediaType.APPLICATION_JSON, name + "-jmh.json");
			case "bencher" -> file(this.json.writeValueAsString(Exports.bencher(benchmarks)),
					MediaType.APPLICATION_JSON, name + "-bencher.json");
			case "csv" -> file(Exports.csv(benchmarks), CSV, name + ".csv");
			case "markdown" -> file(Exports.markdown(benchmarks), MARKDOWN, name + ".md");
			default -> throw new InvalidRequestException(List
				.of(new FieldProblem("format", "must be one of jmh, bencher, csv, markdown", abbreviate(format))));
		};
	}

	private static ResponseEntity<String> file(String body, MediaType type, String name) {
		return ResponseEntity.ok()
			.contentType(type)
			.header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + name + "\"")
			.body(body);
	}

	private static Exports.Benchmark benchmark(String workload, String mode, int concurrency,
			Map<String, String> scenario, List<StoredRuns.Run> runs) {
		Map<String, String> params = new LinkedHashMap<>(scenario);
		params.put("concurrency", Integer.toString(concurrency));
		return new Exports.Benchmark("concurrencylab." + workload + "." + mode, mode, concurrency, params,
				runs.stream().map(StoredRuns.Run::wallMillis).toList(),
				runs.stream().map(StoredRuns.Run::throughputPerSecond).filter((rate) -> rate != null).toList());
	}

	/** The workload's fields and the tasks, as JMH params (strings). */
	private Map<String, String> scenario(Workload workload, int tasks) {
		Map<String, String> params = new LinkedHashMap<>();
		JsonNode fields = this.json.valueToTree(workload);
		for (Map.Entry<String, JsonNode> field : fields.properties()) {
			params.put(field.getKey(),
					field.getValue().isString() ? field.getValue().asString() : field.getValue().toString());
		}
		params.put("tasks", Integer.toString(tasks));
		return params;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "…";
	}

}
