package dev.concurrencylab.comparison;

import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.concurrencylab.experiment.TraceDownload;

/** {@code /comparisons}: one workload under several modes, side by side. */
@RestController
@RequestMapping(path = "/comparisons", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "comparisons", description = "The same workload under several modes, with repeats and a verdict")
class ComparisonController {

	private static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");

	private final ComparisonService comparisons;

	private final ComparisonStarter starter;

	ComparisonController(ComparisonService comparisons, ComparisonStarter starter) {
		this.comparisons = comparisons;
		this.starter = starter;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Start a comparison",
			description = "Runs `workload` × `tasks` under every mode in `modes`, `repeats` times each (1–10, default 3) "
					+ "in interleaved order, one run at a time, inside one exclusive window (it waits in `QUEUED` until "
					+ "no other run is active, and nothing else starts until it ends). Computation measures the "
					+ "capacity right before and right after the runs. Per mode: wall median/min/max, `speedup` (as in "
					+ "experiments), `vsSequential` (sequential's median wall ÷ this mode's, when sequential is "
					+ "compared), efficiency against the ideal; `noise` (capacity change, host steal, other processes' "
					+ "CPU) and a plain-language verdict that names no mode with a failed run and no winner within the "
					+ "noise. 201 if it finished within `waitMillis`, else 202 with `Location`.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
					schema = @Schema(implementation = ComparisonRequest.class),
					examples = { @ExampleObject(name = "threads vs processes on computation",
							value = "{\"workload\": {\"type\": \"cpu\", \"iterations\": 300000000}, \"tasks\": 8, \"modes\": [\"sequential\", \"platform-threads\", \"gil-threads\", \"process-pool\"], \"repeats\": 3}"),
							@ExampleObject(name = "1,000 waits",
									value = "{\"workload\": {\"type\": \"sleep\", \"millis\": 1000}, \"tasks\": 1000, \"modes\": [\"virtual-threads\", \"async\", \"reactive\", \"event-loop\", \"platform-threads\"], \"repeats\": 1}") })))
	@ApiResponse(responseCode = "201", description = "Finished within waitMillis")
	@ApiResponse(responseCode = "202", description = "Still running; poll the Location")
	CompletableFuture<ResponseEntity<ComparisonView>> start(@RequestBody ComparisonRequest request,
			@Parameter(
					description = "How long to wait for the result, 0 = answer at once (default 30000)") @RequestParam(
							required = false) Long waitMillis) {
		return this.starter.start(request, waitMillis);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get a comparison", description = "Per-mode results so far and the verdict.")
	ComparisonView get(@PathVariable String id) {
		return view(id);
	}

	@GetMapping(path = "/{id}/chart.svg", produces = "image/svg+xml")
	@Operation(summary = "Draw a comparison",
			description = "Bars of median wall time per mode, min–max whiskers, and each mode's ideal marked.")
	ResponseEntity<String> chart(@PathVariable String id) {
		return ResponseEntity.ok().contentType(SVG).body(ComparisonChart.render(view(id)));
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Cancel a comparison",
			description = "Its current run is cancelled and no other starts; the status becomes CANCELLED. **409** "
					+ "if it had already finished.")
	@ApiResponse(responseCode = "202", description = "Cancelling")
	@ApiResponse(responseCode = "404", description = "No such comparison",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "409", description = "Already finished",
			content = @Content(mediaType = "application/problem+json"))
	ResponseEntity<ComparisonView> cancel(@PathVariable String id) {
		Comparison comparison = this.comparisons.find(id).orElse(null);
		if (comparison == null) {
			return ResponseEntity.accepted().body(this.comparisons.cancelElsewhere(view(id)));
		}
		this.comparisons.cancel(comparison);
		return ResponseEntity.accepted().body(this.starter.view(comparison));
	}

	@GetMapping(path = "/{id}/trace.json", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Export a comparison as a trace",
			description = "Every run of the comparison in one Chrome Trace Event Format file, a process per mode run "
					+ "(in the order they ran), as for GET /experiments/{id}/trace.json.")
	@ApiResponse(responseCode = "200", description = "The trace",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
	ResponseEntity<StreamingResponseBody> trace(@PathVariable String id,
			@RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
		return TraceDownload.of(this.comparisons.traceRuns(view(id)), this.comparisons.traceMaxTasks(),
				"comparison-" + id + ".trace.json", acceptEncoding);
	}

	private ComparisonView view(String id) {
		return this.comparisons.view(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No comparison has the id '" + id
					+ "'; finished ones are kept up to lab.store.max-comparisons and lab.store.max-age."));
	}

}
