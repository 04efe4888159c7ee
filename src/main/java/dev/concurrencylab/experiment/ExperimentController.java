package dev.concurrencylab.experiment;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.concurrencylab.LabProperties;

/** {@code /experiments}: start, watch and cancel experiments. */
@RestController
@RequestMapping(path = "/experiments", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "experiments", description = "Run a workload under one execution model and get per-task timings")
class ExperimentController {

	private final ExperimentService experiments;

	private final ExperimentRequestValidator validator;

	private final LabProperties limits;

	ExperimentController(ExperimentService experiments, ExperimentRequestValidator validator, LabProperties limits) {
		this.experiments = experiments;
		this.validator = validator;
		this.limits = limits;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Start an experiment",
			description = "Runs `tasks` identical tasks of `workload` under `mode`, at most `concurrency` in flight. "
					+ "Waits up to `waitMillis` for the result: **201** with the full result if it finished, "
					+ "**202** with the current state otherwise; both carry `Location: /experiments/{id}`.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
					schema = @Schema(implementation = ExperimentRequest.class),
					examples = { @ExampleObject(name = "1,000 waits on virtual threads",
							value = "{\"mode\": \"virtual-threads\", \"workload\": {\"type\": \"sleep\", \"millis\": 1000}, \"tasks\": 1000}"),
							@ExampleObject(name = "8 computations on 2 platform threads",
									value = "{\"mode\": \"platform-threads\", \"workload\": {\"type\": \"cpu\", \"iterations\": 200000000}, \"tasks\": 8, \"concurrency\": 2}"),
							@ExampleObject(name = "100 loopback HTTP calls, async",
									value = "{\"mode\": \"async\", \"workload\": {\"type\": \"http\", \"millis\": 100}, \"tasks\": 100}"),
							@ExampleObject(name = "mixed work, reactive",
									value = "{\"mode\": \"reactive\", \"workload\": {\"type\": \"mixed\", \"millis\": 100, \"iterations\": 5000000}, \"tasks\": 50, \"label\": \"mixed\"}") })))
	@ApiResponse(responseCode = "201", description = "Finished within waitMillis; the full result")
	@ApiResponse(responseCode = "202", description = "Still running; poll the Location")
	@ApiResponse(responseCode = "400", description = "Invalid request; `errors` lists each field",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "429", description = "Too many experiments running; see Retry-After",
			content = @Content(mediaType = "application/problem+json"))
	CompletableFuture<ResponseEntity<ExperimentView>> start(@RequestBody ExperimentRequest request,
			@Parameter(description = "How long to wait for the result, 0 = answer at once (default 30000)",
					example = "30000") @RequestParam(required = false) Long waitMillis) {
		long wait = validWait(waitMillis);
		ExperimentSpec spec = this.validator.validate(request);
		Experiment experiment = this.experiments.start(spec);
		if (wait == 0) {
			return CompletableFuture.completedFuture(answer(experiment));
		}
		return experiment.done()
			.copy()
			.completeOnTimeout(experiment, wait, TimeUnit.MILLISECONDS)
			.thenApply(this::answer);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get an experiment",
			description = "State, progress, summary (once finished) and the first " + ExperimentView.FIRST_PAGE
					+ " task timings; `timingsPage.next` links the rest.")
	@ApiResponse(responseCode = "404", description = "No such experiment",
			content = @Content(mediaType = "application/problem+json"))
	ExperimentView get(@PathVariable String id) {
		return ExperimentView.of(this.experiments.get(id));
	}

	@GetMapping("/{id}/tasks")
	@Operation(summary = "Get task timings", description = "A page of task timings, in task order.")
	ExperimentView.TasksPage tasks(@PathVariable String id,
			@Parameter(description = "first task", example = "0") @RequestParam(defaultValue = "0") @Min(0) int offset,
			@Parameter(description = "most tasks, 1 to 10000",
					example = "100") @RequestParam(defaultValue = "100") @Min(1) @Max(10_000) int limit) {
		return ExperimentView.TasksPage.of(this.experiments.get(id), offset, limit);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Cancel an experiment",
			description = "Queued tasks never start, running ones are interrupted; the status becomes CANCELLED. "
					+ "**409** if it had already finished.")
	@ApiResponse(responseCode = "202", description = "Cancelling")
	@ApiResponse(responseCode = "409", description = "Already finished",
			content = @Content(mediaType = "application/problem+json"))
	ResponseEntity<ExperimentView> cancel(@PathVariable String id) {
		return ResponseEntity.accepted().body(ExperimentView.of(this.experiments.cancel(id)));
	}

	private ResponseEntity<ExperimentView> answer(Experiment experiment) {
		URI location = URI.create("/experiments/" + experiment.id());
		ExperimentView view = ExperimentView.of(experiment);
		return experiment.status().isFinished() ? ResponseEntity.created(location).body(view)
				: ResponseEntity.accepted().location(location).body(view);
	}

	private long validWait(Long waitMillis) {
		if (waitMillis == null) {
			return this.limits.defaultWaitMillis();
		}
		if (waitMillis < 0 || waitMillis > this.limits.maxWaitMillis()) {
			throw new InvalidRequestException(java.util.List.of(new FieldProblem("waitMillis",
					"must be between 0 and " + this.limits.maxWaitMillis(), waitMillis)));
		}
		return waitMillis;
	}

}
