package dev.concurrencylab.experiment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.recording.ExperimentRecording;
import dev.concurrencylab.recording.Jfr;
import dev.concurrencylab.report.Summary;
import dev.concurrencylab.workload.Workload;

/**
 * An experiment as {@code GET /experiments/{id}} shows it.
 *
 * @param id its id
 * @param label the label sent, or null
 * @param status QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param mode the mode's id
 * @param workload the workload with its defaults
 * @param tasks number of tasks
 * @param concurrency most tasks in flight
 * @param timeoutMillis the deadline
 * @param isolation {@code exclusive} (runs alone) or {@code shared}
 * @param createdAt when it was accepted
 * @param startedAt when it started
 * @param finishedAt when its run ended: every task, thread and worker of it had ended
 * @param progress counters now
 * @param summary what it achieved; null until it finishes
 * @param error why it failed or was cancelled, or null
 * @param jfr its JFR recording when it was asked for ({@code "record": true}) and its run
 * has started, else null
 * @param timings the first page of task timings
 * @param timingsPage where that page sits among all timings
 * @param links related resources
 */
public record ExperimentView(String id, String label, ExperimentStatus status, String mode, Workload workload,
		int tasks, int concurrency, long timeoutMillis, String isolation, Instant createdAt, Instant startedAt,
		Instant finishedAt, Execution.Progress progress, Summary summary, String error, Jfr jfr,
		List<TaskTiming> timings, TimingsPage timingsPage, Map<String, String> links) {

	/** Timings shown with the experiment itself; the rest via {@code /tasks}. */
	static final int FIRST_PAGE = 100;

	static ExperimentView of(Experiment experiment) {
		ExperimentSpec spec = experiment.spec();
		Execution execution = experiment.execution();
		String self = "/experiments/" + experiment.id();
		TimingsPage page = TimingsPage.of(experiment.id(), spec.tasks(), 0, FIRST_PAGE);
		ExperimentRecording recording = experiment.recording();
		Map<String, String> links = new LinkedHashMap<>();
		links.put("self", self);
		links.put("tasks", self + "/tasks");
		links.put("events", self + "/events");
		links.put("timeline", self + "/timeline.svg");
		links.put("trace", self + "/trace.json");
		if (recording != null) {
			links.put("recording", self + "/recording.jfr");
		}
		return new ExperimentView(experiment.id(), spec.label(), experiment.status(), spec.mode().id(), spec.workload(),
				spec.tasks(), spec.concurrency(), spec.timeoutMillis(), spec.isolation().id(), experiment.createdAt(),
				experiment.startedAt(), experiment.finishedAt(),
				(execution != null) ? execution.progress() : new Execution.Progress(0, 0, 0, 0, 0, 0),
				experiment.summary(), experiment.error(), (recording != null) ? recording.report() : null,
				timings((execution != null) ? execution.log() : null, 0, FIRST_PAGE), page, links);
	}

	/**
	 * This view as it reads once its run has ended otherwise than it knew: the service
	 * stopped while it ran.
	 */
	ExperimentView ended(ExperimentStatus outcome, String why, Instant at) {
		return new ExperimentView(this.id, this.label, outcome, this.mode, this.workload, this.tasks, this.concurrency,
				this.timeoutMillis, this.isolation, this.createdAt, this.startedAt, at, this.progress, this.summary,
				why, this.jfr, this.timings, this.timingsPage, this.links);
	}

	/** Timings {@code [offset, offset + limit)} of a log; none without a log. */
	static List<TaskTiming> timings(TaskLog log, int offset, int limit) {
		if (log == null) {
			return List.of();
		}
		int end = (int) Math.min(log.size(), (long) offset + limit);
		List<TaskTiming> timings = new ArrayList<>(Math.max(0, end - offset));
		for (int task = offset; task < end; task++) {
			timings.add(TaskTiming.of(log, task));
		}
		return timings;
	}

	/**
	 * Where a page of timings sits.
	 *
	 * @param offset first task of the page
	 * @param limit most tasks in the page
	 * @param total all tasks
	 * @param next the next page, or null on the last
	 */
	public record TimingsPage(int offset, int limit, int total, String next) {

		static TimingsPage of(String id, int total, int offset, int limit) {
			String next = ((long) offset + limit < total)
					? "/experiments/" + id + "/tasks?offset=" + (offset + limit) + "&limit=" + limit : null;
			return new TimingsPage(offset, limit, total, next);
		}

	}

	/**
	 * A page of task timings, as {@code GET /experiments/{id}/tasks} shows it.
	 *
	 * @param page where it sits
	 * @param timings the timings
	 */
	public record TasksPage(TimingsPage page, List<TaskTiming> timings) {

		static TasksPage of(String id, int total, TaskLog log, int offset, int limit) {
			return new TasksPage(TimingsPage.of(id, total, offset, limit), ExperimentView.timings(log, offset, limit));
		}

	}

}
