package dev.concurrencylab.metrics;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After experiments in every mode, the Prometheus scrape shows the lab's meters with
 * bounded tags.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
class MetricsIntegrationTest {

	private static final List<String> MODES = List.of("sequential", "platform-threads", "virtual-threads", "fork-join",
			"async", "reactive", "processes", "process-pool", "event-loop", "gil-threads");

	@LocalServerPort
	private int port;

	@Test
	void scrapeShouldShowExperimentsTasksExecutorsAndVirtualThreads() {
		try (LabHttp http = new LabHttp(this.port)) {
			for (String mode : MODES) {
				assertThat(http
					.post("/experiments",
							"{\"mode\":\"" + mode
									+ "\",\"workload\":{\"type\":\"mixed\",\"millis\":5,\"iterations\":1000},"
									+ "\"tasks\":4,\"label\":\"secret-label-text\"}")
					.status()).isEqualTo(201);
			}
			assertThat(http
				.post("/experiments",
						"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1000},\"tasks\":2,"
								+ "\"concurrency\":1,\"timeoutMillis\":100}")
				.json()
				.get("status")
				.asString()).isEqualTo("FAILED");
			String scrape = http.get("/actuator/prometheus").body();

			for (String mode : MODES) {
				assertThat(scrape).contains("lab_experiments_total{application=\"concurrency-lab\",mode=\"" + mode
						+ "\",outcome=\"succeeded\",workload=\"mixed\"}");
				assertThat(scrape)
					.contains("lab_tasks_inflight{application=\"concurrency-lab\",mode=\"" + mode + "\"}");
			}
			assertThat(scrape).contains("outcome=\"failed\"");
			// Each mode's 4 tasks are in its task timers by the time the POST answered
			// (they
			// are recorded from the task log when the run ends).
			for (String mode : MODES) {
				assertThat(scrape).contains("lab_task_duration_seconds_count{application=\"concurrency-lab\",mode=\""
						+ mode + "\",workload=\"mixed\"} 4");
				assertThat(scrape).contains("lab_task_queue_seconds_count{application=\"concurrency-lab\",mode=\""
						+ mode + "\",workload=\"mixed\"} 4");
			}
			assertThat(scrape).containsPattern("lab_task_duration_seconds_bucket\\{[^}]*le=\"0.001\"");
			assertThat(scrape).containsPattern("lab_task_duration_seconds_bucket\\{[^}]*le=\"60.0\"");
			assertThat(scrape).contains("lab_task_queue_seconds_count{", "lab_experiment_duration_seconds_count{",
					"lab_experiments_active{application=\"concurrency-lab\"}",
					"lab_worker_processes{application=\"concurrency-lab\"}", "lab_worker_spawn_seconds_count{",
					"lab_threads_live{application=\"concurrency-lab\"}");
			assertThat(scrape).containsPattern("jvm_threads_virtual_\\w+\\{application=\"concurrency-lab\"");
			assertThat(scrape).contains("jvm_threads_live_threads{application=\"concurrency-lab\"}");
			assertThat(scrape).contains("http_server_requests_seconds_count{application=\"concurrency-lab\"");
			// Executors are shown while their experiment runs, then removed: no growth
			// per experiment.
			assertThat(scrape).doesNotContain("name=\"lab.platform\"");
			assertThat(scrape).doesNotContain("secret-label-text");
			// The service's own long-lived pool, and the SSE streams (a sender thread
			// each).
			assertThat(scrape).contains(
					"executor_completed_tasks_total{application=\"concurrency-lab\",name=\"lab.delay-timer\"}",
					"lab_sse_streams{application=\"concurrency-lab\"}",
					"lab_sse_dropped_total{application=\"concurrency-lab\"}");
		}
	}

	@Test
	void executorMetricsShouldBeVisibleWhileAnExperimentRuns() {
		try (LabHttp http = new LabHttp(this.port)) {
			// Waits far longer than the test: the experiment is running whenever the
			// scrape is read, and is cancelled at the end.
			String location = http.post("/experiments?waitMillis=0",
					"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":4}")
				.header("Location");
			Awaits.awaitUntil("all four tasks in flight",
					() -> http.get(location).json().get("progress").get("inFlight").asInt() == 4);
			Pattern active = Pattern.compile(
					"executor_active_threads\\{application=\"concurrency-lab\",mode=\"platform-threads\",name=\"lab.platform\",slot=\"\\d\"\\} 4\\.0");
			String scrape = Awaits.awaitValue("the executor gauges in the scrape", Awaits.PATIENCE,
					() -> http.get("/actuator/prometheus").body(), (body) -> active.matcher(body).find());

			assertThat(scrape).containsPattern(
					"lab_tasks_inflight\\{application=\"concurrency-lab\",mode=\"platform-threads\"\\} 4\\.0");
			assertThat(http.delete(location).status()).isEqualTo(202);
			assertThat(http.awaitFinished(location).get("status").asString()).isEqualTo("CANCELLED");
			assertThat(http.get("/actuator/prometheus").body()).doesNotContain("name=\"lab.platform\"");
		}
	}

}
