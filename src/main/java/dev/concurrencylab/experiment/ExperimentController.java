package dev.concurrencylab.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.recording.ExperimentRecording;
import dev.concurrencylab.recording.Jfr;
import dev.concurrencylab.report.Svg;
import dev.concurrencylab.report.TimelineSvg;
import dev.concurrencylab.report.TraceJson;

/** {@code /experiments}: start, watch and cancel experiments. */
@RestController
@RequestMapping(path = "/experiments", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "experiments", description = "Run a workload under one execution model and get per-task timings")
class ExperimentController {

	private final ExperimentService experiments;

	private final ExperimentStarter starter;

	private final ProgressStreams streams;

	ExperimentController(ExperimentService experiments, ExperimentStarter starter, ProgressStreams streams) {
		this.experiments = experiments;
		this.starter = starter;
		this.streams = streams;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Start an experiment",
			description = "Runs `tasks` identical tasks of `workload` under `mode`, at most `concurrency` in flight. "
					+ "Waits up to `waitMillis` for the result: **201** with the full result if it finished, "
					+ "**202** with the current state otherwise; both carry `Location: /experiments/{id}`. An "
					+ "`exclusive` experiment (the default when the workload computes) waits in `QUEUED` until no other "
					+ "run is active; `summary.interference` tells what shared the machine with it.",
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
	@ApiResponse(responseCode = "202", description = "Queued or still running; poll the Location")
	@ApiResponse(responseCode = "400", description = "Invalid request; `errors` lists each field",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "429",
			description = "Too many experiments queued or running; see Retry-After. A full service answers this "
					+ "before it reads the body, so an invalid request gets 429, not 400, while it is full",
			content = @Content(mediaType = "application/problem+json"))
	CompletableFuture<ResponseEntity<ExperimentView>> start(@RequestBody ExperimentRequest request,
			@Parameter(description = "How long to wait for the result, 0 = answer at once (default 30000)",
					example = "30000") @RequestParam(required = false) Long waitMillis) {
		return this.starter.start(request, waitMillis);
	}

	@GetMapping
	@Operation(summary = "List experiments",
			description = "Stored experiments of every replica sharing the store, newest first, optionally "
					+ "filtered by status and mode; every experiment this replica answered before the list was "
					+ "asked for is in it. Finished experiments are kept up to lab.store.max-experiments "
					+ "(10,000), lab.store.max-bytes (2 GB) and lab.store.max-age (90 days), the oldest deleted "
					+ "first; running ones never are.")
	ExperimentListView list(
			@Parameter(description = "QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED") @RequestParam(
					required = false) String status,
			@Parameter(description = "a mode id, e.g. virtual-threads") @RequestParam(required = false) String mode,
			@Parameter(description = "page number, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
			@Parameter(description = "page size, 1 to 100") @RequestParam(
					defaultValue = "20") @Min(1) @Max(100) int size) {
		ExperimentStatus wanted = parseStatus(status);
		this.starter.checkModeFilter(mode);
		return this.experiments.list(wanted, mode, page, size);
	}

	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(summary = "Watch an experiment live",
			description = "Server-Sent Events: `progress` ({completed, failed, cancelled, inFlight, elapsedMillis}) at most "
					+ "10 per second while it runs, then one `finished` event ({id, status, summary, error}); the "
					+ "stream then ends. Each stream has its own sender: a client that reads nothing for 5 s is dropped "
					+ "and delays no other stream. Try `curl -N localhost:8080/experiments/{id}/events`.")
	SseEmitter events(@PathVariable String id) {
		return this.experiments.local(id)
			.map(this.streams::open)
			.orElseGet(() -> this.streams.openStored(this.experiments.view(id)));
	}

	@GetMapping(path = "/{id}/tasks", produces = "text/csv")
	@Operation(summary = "Download all task timings as CSV",
			description = "With `Accept: text/csv`: a header row, then one line per task, streamed.")
	ResponseEntity<StreamingResponseBody> tasksCsv(@PathVariable String id) {
		TaskLog log = logOrNone(this.experiments.data(id, true));
		if (log == null) {
			return ResponseEntity.ok().contentType(CSV).body((out) -> out.write((TimingsCsv.HEADER + "\n").getBytes()));
		}
		return ResponseEntity.ok()
			.contentType(CSV)
			.header("Content-Disposition", "attachment; filename=\"experiment-" + id + "-tasks.csv\"")
			.body((out) -> TimingsCsv.write(log, out));
	}

	@GetMapping(path = "/{id}/trace.json", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Export an experiment as a trace",
			description = "The Chrome Trace Event Format, which https://ui.perfetto.dev and chrome://tracing open: "
					+ "the service JVM and each worker JVM a process, a track per thread, each task a slice with its "
					+ "queue, spawn, CPU and phase times as args and its phases nested in it (async slices where tasks "
					+ "share a thread), a counter of the tasks in flight, the cancel or deadline as an instant, and "
					+ "for a recorded run each JFR pin as a slice on its virtual thread. Times in microseconds. Streamed; "
					+ "gzip-encoded when the request accepts it. Above lab.trace-max-tasks (100,000) every k-th task is "
					+ "drawn, as `otherData` says.")
	@ApiResponse(responseCode = "200", description = "The trace",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
	ResponseEntity<StreamingResponseBody> trace(@PathVariable String id,
			@RequestHeader(name = HttpHeaders.ACCEPT_ENCODING, required = false) String acceptEncoding) {
		ExperimentData data = this.experiments.data(id, true);
		logOrNone(data);
		ExperimentView view = data.view();
		long pid = (data.log() != null) ? data.log().servicePid() : ProcessHandle.current().pid();
		String name = view.mode() + " · " + view.workload().typeId() + " · " + view.tasks() + " tasks (pid " + pid
				+ ")";
		List<TraceJson.Run> runs = this.experiments.traceRun(id, name, ProcessHandle.current().pid(), null)
			.map(List::of)
			.orElseThrow(() -> new ExperimentNotFoundException(id));
		return TraceDownload.of(runs, this.experiments.traceMaxTasks(), "experiment-" + id + ".trace.json",
				acceptEncoding);
	}

	@GetMapping(path = "/{id}/recording.jfr", produces = { JFR_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(summary = "Download an experiment's JFR recording",
			description = "The service JVM's JFR recording of the run's window, for JDK Mission Control or `jfr "
					+ "print`, when the experiment was posted with `\"record\": true`. It holds every thread of the "
					+ "JVM (the experiment's `jfr` summary is filtered to its own). **404** when it did not record, "
					+ "or its file was deleted (see `jfr.note`); **409** while it still records.")
	@ApiResponse(responseCode = "200", description = "The recording",
			content = @Content(mediaType = JFR_VALUE, schema = @Schema(type = "string", format = "binary")))
	ResponseEntity<Resource> recording(@PathVariable String id) {
		return recordingFile(id, ExperimentRecording.SERVICE_FILE);
	}

	@GetMapping(path = "/{id}/recordings/{name}", produces = { JFR_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE })
	@Operation(summary = "Download one of an experiment's JFR recordings",
			description = "`recording.jfr` (the service JVM) or `worker-<pid>.jfr` (a worker JVM of a process mode, "
					+ "written when it exited); `jfr.files` lists those there are.")
	@ApiResponse(responseCode = "200", description = "The recording",
			content = @Content(mediaType = JFR_VALUE, schema = @Schema(type = "string", format = "binary")))
	ResponseEntity<Resource> recordingFile(@PathVariable String id,
			@Parameter(description = "`recording.jfr` or `worker-<pid>.jfr`",
					example = "recording.jfr") @PathVariable String name) {
		Experiment experiment = this.experiments.local(id).orElse(null);
		if (experiment == null) {
			ExperimentView stored = this.experiments.view(id);
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Experiment " + id
					+ ((stored.jfr() != null) ? " recorded JFR on replica " + this.experiments.data(id, false).replica()
							+ ", which no longer holds it: recording files stay with the process that made them "
							+ "and go with its restart (the summary in `jfr` is kept)."
							: " did not record JFR: post it with \"record\": true to get a recording."));
		}
		ExperimentRecording recording = experiment.recording();
		if (recording == null && experiment.spec().record() && !experiment.status().isFinished()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Experiment " + id + " has not started yet; its recording starts with its run.");
		}
		if (recording == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND,
					"Experiment " + id + " did not record JFR: post it with \"record\": true to get a recording.");
		}
		if (!experiment.status().isFinished()) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Experiment " + id + " is still running; its recording is written when the run ends.");
		}
		Path file = recording.file(name);
		if (file == null) {
			Jfr report = recording.report();
			String why = (!"RECORDED".equals(report.status()) && report.note() != null) ? " " + report.note() : "";
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Experiment " + id + " has no recording named '"
					+ abbreviate(name) + "'; `jfr.files` lists those it has." + why);
		}
		return ResponseEntity.ok()
			.contentType(JFR)
			.header(HttpHeaders.CONTENT_DISPOSITION,
					"attachment; filename=\"experiment-" + id + "-" + file.getFileName() + "\"")
			.body(new FileSystemResource(file));
	}

	@GetMapping(path = "/{id}/timeline.svg", produces = "image/svg+xml")
	@Operation(summary = "Draw an experiment's timeline",
			description = "A Gantt chart: one lane per thread (or worker process), one bar per task with its phases "
					+ "drawn inside (computing on and off CPU and waiting for a lock stacked, then waiting, then "
					+ "scheduling; a worker's start-up before the bar; failed and cancelled tasks edged), tasks that "
					+ "overlap on one thread in tracks of their own, and the tasks in flight over time (in the open "
					+ "model also the backlog: tasks arrived and not yet started). Large "
					+ "experiments are grouped and binned, stacked by phase, so the picture stays readable and under "
					+ "1 MB.")
	ResponseEntity<String> timeline(@PathVariable String id) {
		ExperimentData data = this.experiments.data(id, true);
		TaskLog log = logOrNone(data);
		ExperimentView view = data.view();
		Arrival arrival = (data.run() != null) ? data.run().arrival() : null;
		String title = view.mode() + " · " + view.workload().typeId() + " · " + view.tasks() + " tasks · "
				+ ((arrival != null) ? Svg.num(arrival.ratePerSecond()) + " arrivals/s · " : "") + "concurrency "
				+ view.concurrency() + " · " + view.status()
				+ ((view.summary() != null) ? " · wall " + view.summary().wallMillis() + " ms" : "");
		int arrived = (arrival != null && log != null) ? data.run().arrived() : -1;
		return ResponseEntity.ok().contentType(SVG).body(TimelineSvg.render(log, title, arrived));
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get an experiment",
			description = "State, progress, summary (once finished) and the first " + ExperimentView.FIRST_PAGE
					+ " task timings; `timingsPage.next` links the rest.")
	@ApiResponse(responseCode = "200", description = "The experiment")
	@ApiResponse(responseCode = "404", description = "No such experiment",
			content = @Content(mediaType = "application/problem+json"))
	ExperimentView get(@PathVariable String id) {
		return this.experiments.view(id);
	}

	@GetMapping(path = "/{id}/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Get task timings", description = "A page of task timings, in task order.")
	ExperimentView.TasksPage tasks(@PathVariable String id,
			@Parameter(description = "first task", example = "0") @RequestParam(defaultValue = "0") @Min(0) int offset,
			@Parameter(description = "most tasks, 1 to 10000",
					example = "100") @RequestParam(defaultValue = "100") @Min(1) @Max(10_000) int limit) {
		ExperimentData data = this.experiments.data(id, true);
		return ExperimentView.TasksPage.of(id, data.view().tasks(), logOrNone(data), offset, limit);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Cancel an experiment",
			description = "Queued tasks never start, running ones are interrupted; the status becomes CANCELLED. "
					+ "**409** if it had already finished.")
	@ApiResponse(responseCode = "202", description = "Cancelling")
	@ApiResponse(responseCode = "409", description = "Already finished",
			content = @Content(mediaType = "application/problem+json"))
	ResponseEntity<ExperimentView> cancel(@PathVariable String id) {
		return ResponseEntity.accepted().body(this.experiments.cancel(id));
	}

	/**
	 * The experiment's task log, or null before it ran; 409 while it runs on another
	 * replica, whose timings reach the store when it finishes.
	 */
	private static TaskLog logOrNone(ExperimentData data) {
		if (data.log() == null && !data.local() && !data.view().status().isFinished()
				&& data.view().status() == ExperimentStatus.RUNNING) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Experiment " + data.view().id() + " runs on replica " + data.replica()
							+ "; its task timings reach the store when it finishes. Its progress is at /experiments/"
							+ data.view().id() + " and /events from any replica.");
		}
		return data.log();
	}

	private static final MediaType SVG = MediaType.parseMediaType("image/svg+xml");

	private static final String JFR_VALUE = "application/vnd.jdk.jfr";

	private static final MediaType JFR = MediaType.parseMediaType(JFR_VALUE);

	private static String abbreviate(String text) {
		return (text.length() <= 40) ? text : text.substring(0, 40) + "…";
	}

	private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

	private static ExperimentStatus parseStatus(String status) {
		if (status == null) {
			return null;
		}
		try {
			return ExperimentStatus.valueOf(status.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(List.of(new FieldProblem("status",
					"must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED", status)));
		}
	}

}
