package dev.concurrencylab.preset;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.concurrencylab.comparison.ComparisonStarter;
import dev.concurrencylab.comparison.ComparisonView;
import dev.concurrencylab.experiment.ExperimentStarter;
import dev.concurrencylab.experiment.ExperimentView;

/** {@code /presets}: ready-made experiments and comparisons. */
@RestController
@RequestMapping(path = "/presets", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "presets",
		description = "Ready-made experiments and comparisons, including the three classic demonstrations")
class PresetController {

	private final PresetCatalog catalog;

	private final ExperimentStarter experiments;

	private final ComparisonStarter comparisons;

	PresetController(PresetCatalog catalog, ExperimentStarter experiments, ComparisonStarter comparisons) {
		this.catalog = catalog;
		this.experiments = experiments;
		this.comparisons = comparisons;
	}

	/**
	 * A preset that was started.
	 *
	 * @param preset its name
	 * @param shows what it demonstrates
	 * @param expect what it should roughly take
	 * @param experiment the experiment, for experiment presets
	 * @param comparison the comparison, for comparison presets
	 */
	record PresetRun(String preset, String shows, String expect, ExperimentView experiment, ComparisonView comparison) {
	}

	@GetMapping
	@Operation(summary = "List the presets", description = "Each preset with what it shows and the request it sends.")
	List<Preset> presets() {
		return this.catalog.all();
	}

	@PostMapping("/{name}/run")
	@Operation(summary = "Run a preset",
			description = "Starts the preset's experiment or comparison and answers like POST /experiments or "
					+ "POST /comparisons (201 finished, 202 still running, with Location), wrapped with the sentence "
					+ "saying what it shows.")
	@ApiResponse(responseCode = "201", description = "Finished within waitMillis; the full result")
	@ApiResponse(responseCode = "202", description = "Queued or still running; poll the Location")
	@ApiResponse(responseCode = "404", description = "No such preset",
			content = @Content(mediaType = "application/problem+json"))
	CompletableFuture<ResponseEntity<PresetRun>> run(
			@Parameter(description = "e.g. two-threads-waiting") @PathVariable String name,
			@Parameter(
					description = "How long to wait for the result, 0 = answer at once (default 30000)") @RequestParam(
							required = false) Long waitMillis) {
		Preset preset = this.catalog.find(name)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No preset is named '" + name + "'; GET /presets lists them: "
							+ String.join(", ", this.catalog.all().stream().map(Preset::name).toList()) + "."));
		if (preset.experiment() != null) {
			return this.experiments.start(preset.experiment(), waitMillis)
				.thenApply((answer) -> ResponseEntity.status(answer.getStatusCode())
					.headers(answer.getHeaders())
					.body(new PresetRun(preset.name(), preset.shows(), preset.expect(), answer.getBody(), null)));
		}
		return this.comparisons.start(preset.comparison(), waitMillis)
			.thenApply((answer) -> ResponseEntity.status(answer.getStatusCode())
				.headers(answer.getHeaders())
				.body(new PresetRun(preset.name(), preset.shows(), preset.expect(), null, answer.getBody())));
	}

}
