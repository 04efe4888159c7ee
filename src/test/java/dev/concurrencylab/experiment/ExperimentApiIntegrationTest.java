package dev.concurrencylab.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabHttp;
import dev.concurrencylab.execution.LabThreads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service on a random port, driven over real loopback HTTP: every mode with
 * every workload, the 202 path, cancellation, and no lab thread left afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentApiIntegrationTest {

	private static final List<String> MODES = List.of("sequential", "platform-threads", "virtual-threads", "fork-join",
			"async", "reactive", "processes", "process-pool", "event-loop", "gil-threads");

	private static final Map<String, String> WORKLOADS = Map.of("sleep",
			"{\"type\":\"sleep\",\"millis\":20,\"steps\":2}", "cpu", "{\"type\":\"cpu\",\"iterations\":3000000}",
			"mixed", "{\"type\":\"mixed\",\"millis\":20,\"iterations\":1000000}", "http",
			"{\"type\":\"http\",\"millis\":20}");

	@LocalServerPort
	private int port;

	@Autowired
	private LabThreads threads;

	private LabHttp http;

	@BeforeAll
	void client() {
		this.http = new LabHttp(this.port);
	}

	@AfterAll
	void closeClient() {
		this.http.close();
	}

	@AfterEach
	void noLabThreadOutlivesItsExperiment() {
		Awaits.awaitUntil("every lab thread ended", () -> this.threads.live() == 0);
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.getName().startsWith("lab-"));
		Awaits.awaitUntil("every worker process reaped",
				() -> ProcessHandle.current().descendants().findAny().isEmpty());
	}

	@Test
	void everyModeShouldRunEveryWorkloadWithTheSameResults() {
		for (Map.Entry<String, String> workload : WORKLOADS.entrySet()) {
			Set<Long> results = new HashSet<>();
			for (String mode : MODES) {
				LabHttp.Answer answer = this.http.post("/experiments",
						"{\"mode\":\"" + mode + "\",\"workload\":" + workload.getValue() + ",\"tasks\":6}");
				String what = mode + " × " + workload.getKey() + ": " + answer.body();
				assertThat(answer.status()).as(what).isEqualTo(201);
				JsonNode experiment = answer.json();
				assertThat(experiment.get("status").asString()).as(what).isEqualTo("SUCCEEDED");
				assertThat(answer.header("Location")).isEqualTo("/experiments/" + experiment.get("id").asString());
				assertThat(experiment.get("timingsPage").get("total").asInt()).isEqualTo(6);
				assertThat(experiment.get("summary").get("succeeded").asInt()).as(what).isEqualTo(6);
				assertThat(experiment.get("summary").get("idealMillis").asDouble()).as(what).isPositive();
				for (JsonNode timing : experiment.get("timings")) {
					results.add(timing.get("result").asLong());
					boolean inWorker = mode.startsWith("process");
					assertThat(timing.get("pid").asLong() == ProcessHandle.current().pid()).as(what)
						.isNotEqualTo(inWorker);
					if (!mode.equals("process-pool")) {
						// A pool reports a worker's start-up on the first task it ran
						// only.
						assertThat(timing.get("spawnMillis").isNull()).as(what).isEqualTo(!mode.equals("processes"));
					}
					assertThat(timing.get("endMillis").asDouble())
						.isGreaterThanOrEqualTo(timing.get("startMillis").asDouble());
				}
			}
			assertThat(results).as(workload.getKey() + " results across modes").hasSize(1);
		}
	}

	@Test
	void virtualThreadsShouldRunEachTaskOnItsOwnVirtualThread() {
		JsonNode experiment = this.http
			.post("/experiments",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":50},\"tasks\":200}")
			.json();
		Set<String> names = new HashSet<>();
		for (JsonNode timing : experiment.get("timings")) {
			assertThat(timing.get("virtual").asBoolean()).isTrue();
			names.add(timing.get("thread").asString());
		}
		assertThat(names).hasSize(100);
		assertThat(experiment.get("summary").get("threadsUsed").asInt()).isEqualTo(200);
		assertThat(experiment.get("summary").get("peakInFlight").asInt()).isGreaterThan(1);
	}

	@Test
	void anExperimentOutlastingTheWaitShouldAnswer202AndFinishLater() {
		LabHttp.Answer answer = this.http.post("/experiments?waitMillis=0",
				"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":100},\"tasks\":6,"
						+ "\"concurrency\":2}");

		assertThat(answer.status()).isEqualTo(202);
		assertThat(answer.json().get("status").asString()).isIn("QUEUED", "RUNNING");
		JsonNode finished = this.http.awaitFinished(answer.header("Location"));
		assertThat(finished.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(finished.get("summary").get("peakInFlight").asInt()).isEqualTo(2);
		assertThat(finished.get("summary").get("idealMillis").asDouble()).isEqualTo(300);
	}

	@Test
	void taskPagesShouldCoverEveryTaskOnce() {
		JsonNode experiment = this.http
			.post("/experiments", "{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":250}")
			.json();
		String next = experiment.get("timingsPage").get("next").asString();
		assertThat(next).endsWith("/tasks?offset=100&limit=100");
		Set<Integer> seen = new HashSet<>();
		experiment.get("timings").forEach((t) -> seen.add(t.get("task").asInt()));
		while (next != null) {
			JsonNode page = this.http.get(next).json();
			page.get("timings").forEach((t) -> seen.add(t.get("task").asInt()));
			JsonNode link = page.get("page").get("next");
			next = link.isNull() ? null : link.asString();
		}
		assertThat(seen).hasSize(250);
	}

	@Test
	void cancellingARunningExperimentShouldStopItsTasks() {
		List<String> locations = new ArrayList<>();
		for (String mode : List.of("platform-threads", "virtual-threads", "async", "process-pool")) {
			LabHttp.Answer answer = this.http.post("/experiments?waitMillis=0", "{\"mode\":\"" + mode
					+ "\",\"workload\":{\"type\":\"sleep\",\"millis\":30000},\"tasks\":20,\"concurrency\":5}");
			assertThat(answer.status()).isEqualTo(202);
			locations.add(answer.header("Location"));
		}
		for (String location : locations) {
			// Precondition: tasks are really running, so the cancel has something to
			// stop.
			JsonNode running = this.http.awaitInFlight(location);
			assertThat(running.get("status").asString()).isEqualTo("RUNNING");
			assertThat(running.get("progress").get("completed").asInt()).isZero();
			assertThat(this.http.delete(location).status()).isEqualTo(202);
			JsonNode cancelled = this.http.awaitFinished(location);
			assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
			assertThat(cancelled.get("summary").get("cancelled").asInt()).isEqualTo(20);
			assertThat(cancelled.get("timings").get(19).get("status").asString()).isEqualTo("CANCELLED");
			assertThat(this.http.delete(location).status()).isEqualTo(409);
		}
	}

	@Test
	void theDeadlineShouldFailTheExperimentAndKeepFinishedTasks() {
		LabHttp.Answer answer = this.http.post("/experiments",
				"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":300},\"tasks\":4,"
						+ "\"concurrency\":1,\"timeoutMillis\":1000}");
		JsonNode experiment = answer.json();
		assertThat(experiment.get("status").asString()).isEqualTo("FAILED");
		assertThat(experiment.get("error").asString()).contains("deadline of 1000 ms");
		assertThat(experiment.get("summary").get("succeeded").asInt()).isBetween(1, 3);
		assertThat(experiment.get("timings").get(0).get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(experiment.get("timings").get(3).get("status").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void machineShouldReportTheMeasuredCapacity() {
		JsonNode machine = Awaits.awaitValue("the capacity calibration done", Duration.ofMinutes(1),
				() -> this.http.get("/machine").json(),
				(answer) -> !answer.get("calibration").asString().equals("MEASURING"));
		assertThat(machine.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(machine.get("jdk").get("version").asString()).isEqualTo(Runtime.version().toString());
		JsonNode capacity = machine.get("capacity");
		assertThat(capacity.get("parallelCapacity").asDouble()).isPositive()
			.isLessThanOrEqualTo(machine.get("cores").asInt() * 1.25);
		assertThat(capacity.get("nanosPerIteration").asDouble()).isPositive();
		assertThat(capacity.get("threads").asInt()).isEqualTo(machine.get("cores").asInt());
	}

	@Test
	void catalogShouldListEveryModeAndWorkload() {
		JsonNode modes = this.http.get("/modes").json();
		List<String> ids = new ArrayList<>();
		modes.forEach((mode) -> ids.add(mode.get("id").asString()));
		assertThat(ids).containsExactlyElementsOf(MODES);
		modes.forEach((mode) -> assertThat(mode.get("description").asString()).isNotBlank());
		JsonNode workloads = this.http.get("/workloads").json();
		List<String> types = new ArrayList<>();
		workloads.forEach((workload) -> types.add(workload.get("type").asString()));
		assertThat(types).containsExactly("sleep", "cpu", "mixed", "http", "lock", "db", "file", "steps");
	}

	@Test
	void aDbExperimentShouldQueryThroughItsOwnPoolAndCloseIt() {
		// 24 queries of 10 ms, 24 virtual threads, a pool of 3: the pool sets the pace.
		LabHttp.Answer answer = this.http.post("/experiments", "{\"mode\":\"virtual-threads\",\"workload\":"
				+ "{\"type\":\"db\",\"millis\":10,\"poolSize\":3},\"tasks\":24}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		JsonNode experiment = answer.json();
		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode summary = experiment.get("summary");
		assertThat(summary.get("idealMillis").asDouble()).isEqualTo(80.0);
		assertThat(summary.get("idealFormula").asString()).startsWith("pool: ⌈24 ÷ min(24 in flight, 3 connections)⌉");
		assertThat(summary.get("phases").get("totalMillis").get("poolWait").asDouble()).isPositive();
		Set<Long> sessions = new HashSet<>();
		experiment.get("timings").forEach((timing) -> sessions.add(timing.get("result").asLong()));
		assertThat(sessions).hasSizeBetween(1, 3);
		// Every task: its wait for a connection, then its query of 10 ms.
		experiment.get("timings").forEach((timing) -> {
			assertThat(timing.get("phases").get("poolWait").isNumber()).isTrue();
			assertThat(timing.get("phases").get("waiting").asDouble()).isGreaterThanOrEqualTo(9.5);
		});
		// The pool's threads (lab-e<n>-db-…) ended with it: see
		// noLabThreadOutlivesItsExperiment.
	}

	@Test
	void aFileWorkloadShouldReadAndWriteTheSameBytesInEveryModeThatTakesItAndLeaveNoFile() throws Exception {
		Set<Long> checksums = new HashSet<>();
		for (String mode : List.of("sequential", "platform-threads", "virtual-threads", "fork-join", "gil-threads",
				"processes", "process-pool")) {
			for (String op : List.of("read", "write")) {
				LabHttp.Answer answer = this.http.post("/experiments", "{\"mode\":\"" + mode
						+ "\",\"workload\":{\"type\":\"file\",\"op\":\"" + op + "\",\"sizeKiB\":100},\"tasks\":3}");
				String what = mode + " " + op + ": " + answer.body();
				assertThat(answer.status()).as(what).isEqualTo(201);
				JsonNode experiment = answer.json();
				assertThat(experiment.get("status").asString()).as(what).isEqualTo("SUCCEEDED");
				experiment.get("timings").forEach((timing) -> checksums.add(timing.get("result").asLong()));
				assertThat(experiment.get("summary").get("idealFormula").asString()).startsWith("file I/O");
				assertThat(fileFolders()).as("%s: the experiment's folder is gone", what).isEmpty();
			}
		}
		// 100 KiB of the same pattern, read or written, in the service or in a worker.
		assertThat(checksums).hasSize(1);
	}

	@Test
	void aFileWorkloadCutShortShouldStillDeleteItsFolder() throws Exception {
		// 16 MiB to write and sync in 1 ms: the deadline passes while tasks write.
		LabHttp.Answer answer = this.http.post("/experiments", "{\"mode\":\"platform-threads\",\"timeoutMillis\":1,"
				+ "\"workload\":{\"type\":\"file\",\"op\":\"write\",\"sizeKiB\":64},\"tasks\":256}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		assertThat(answer.json().get("status").asString()).isEqualTo("FAILED");
		assertThat(answer.json().get("error").asString()).contains("deadline");
		assertThat(fileFolders()).isEmpty();

		LabHttp.Answer refused = this.http.post("/experiments",
				"{\"mode\":\"event-loop\",\"workload\":{\"type\":\"file\"},\"tasks\":2}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.body()).contains("'file' reads or writes with blocking I/O");
		LabHttp.Answer tooMuch = this.http.post("/experiments",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"file\",\"sizeKiB\":65536},\"tasks\":17}");
		assertThat(tooMuch.status()).isEqualTo(400);
		assertThat(tooMuch.body()).contains("at most 1048576 KiB (1 GiB)");
	}

	private static List<java.nio.file.Path> fileFolders() throws java.io.IOException {
		try (var paths = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
			return paths.filter((path) -> path.getFileName().toString().startsWith("concurrency-lab-files-")).toList();
		}
	}

	@Test
	void aStepsWorkloadShouldRunEveryStepAModeCanAndPutEachInItsPhase() {
		String all = "[{\"wait\":5},{\"cpu\":100000},{\"http\":5},{\"db\":5},{\"lock\":2},{\"file\":16}]";
		String async = "[{\"wait\":5},{\"cpu\":100000},{\"http\":5},{\"db\":5}]";
		String workers = "[{\"wait\":5},{\"cpu\":100000},{\"http\":5},{\"file\":16}]";
		Map<String, String> runs = new java.util.LinkedHashMap<>();
		for (String mode : List.of("sequential", "platform-threads", "virtual-threads", "fork-join", "gil-threads")) {
			runs.put(mode, all);
		}
		runs.put("async", async);
		runs.put("reactive", async);
		runs.put("event-loop", "[{\"wait\":5},{\"cpu\":100000},{\"http\":5}]");
		runs.put("processes", workers);
		runs.put("process-pool", workers);
		runs.forEach((mode, steps) -> {
			LabHttp.Answer answer = this.http.post("/experiments", "{\"mode\":\"" + mode
					+ "\",\"workload\":{\"type\":\"steps\",\"poolSize\":2,\"steps\":" + steps + "},\"tasks\":4}");
			String what = mode + ": " + answer.body();
			assertThat(answer.status()).as(what).isEqualTo(201);
			JsonNode experiment = answer.json();
			assertThat(experiment.get("status").asString()).as(what).isEqualTo("SUCCEEDED");
			int count = steps.split("\\{").length - 1;
			experiment.get("timings").forEach((timing) -> {
				assertThat(timing.get("result").asLong()).as(what).isEqualTo(count);
				JsonNode phases = timing.get("phases");
				// wait + http (+ db) (+ lock's hold) of waiting, and the computation.
				assertThat(phases.get("waiting").asDouble()).as(what).isGreaterThanOrEqualTo(9.5);
				assertThat(phases.get("computingOnCpu").asDouble() + phases.get("computingOffCpu").asDouble()).as(what)
					.isPositive();
			});
		});
		assertThat(fileFoldersQuietly()).isEmpty();
	}

	@Test
	void aCancelShouldReleaseTheRunsFileFolderPoolAndLock() throws Exception {
		// Each task reads the experiment's file, then queries for 30 s holding one of two
		// connections, then would take the lock.
		LabHttp.Answer answer = this.http.post("/experiments?waitMillis=0",
				"{\"mode\":\"virtual-threads\","
						+ "\"workload\":{\"type\":\"steps\",\"poolSize\":2,\"steps\":[{\"file\":64},{\"db\":30000},"
						+ "{\"lock\":1}]},\"tasks\":10}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(202);
		String location = answer.header("Location");
		// Precondition: tasks in flight, the folder there.
		JsonNode running = this.http.awaitInFlight(location);
		assertThat(running.get("status").asString()).isEqualTo("RUNNING");
		assertThat(fileFolders()).hasSize(1);

		assertThat(this.http.delete(location).status()).isEqualTo(202);
		JsonNode cancelled = this.http.awaitFinished(location);
		assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.get("summary").get("cancelled").asInt()).isEqualTo(10);
		assertThat(fileFolders()).as("the folder is deleted with the run").isEmpty();
		// The pool's threads (lab-e<n>-db-…) ended: see noLabThreadOutlivesItsExperiment.
	}

	@Test
	void aStepsWorkloadShouldBeRefusedWithTheReasonWhereItCannotRun() {
		Map<String, String> refused = Map.of(
				"{\"mode\":\"event-loop\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"db\":1}]}}",
				"mode 'event-loop' runs no db step; it runs wait, cpu, http steps",
				"{\"mode\":\"async\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"wait\":1},{\"lock\":1}]}}",
				"mode 'async' runs no lock step",
				"{\"mode\":\"processes\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"db\":1}]}}",
				"mode 'processes' runs no db step",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"disk\":1}]}}",
				"unknown step 'disk'",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"wait\":1,\"cpu\":2}]}}",
				"each step is one field",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"steps\",\"steps\":["
						+ "{\"wait\":1},".repeat(16) + "{\"wait\":1}]}}",
				"must list 1 to 16 steps",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"wait\":-1}]}}",
				"workload.steps[0].wait");
		refused.forEach((body, reason) -> {
			LabHttp.Answer answer = this.http.post("/experiments", body);
			assertThat(answer.status()).as(body + " → " + answer.body()).isEqualTo(400);
			assertThat(answer.body()).as(body).contains(reason);
		});
	}

	private static List<java.nio.file.Path> fileFoldersQuietly() {
		try {
			return fileFolders();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void anOpenModelExperimentShouldReleaseTasksOnScheduleAndReportLatencyFromArrival() {
		LabHttp.Answer answer = this.http.post("/experiments",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":5},"
						+ "\"arrival\":{\"ratePerSecond\":100,\"durationMillis\":300}}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		JsonNode experiment = answer.json();
		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(experiment.get("tasks").asInt()).isEqualTo(30);
		JsonNode open = experiment.get("summary").get("openModel");
		assertThat(open.get("arrived").asInt()).isEqualTo(30);
		assertThat(open.get("dropped").asInt()).isZero();
		assertThat(open.get("latencyMillis").get("p50").asDouble()).isGreaterThanOrEqualTo(5.0);
		assertThat(open.get("text").asString()).startsWith("100 arrivals/s for 300 ms (constant)");
		assertThat(experiment.get("progress").get("dropped").asInt()).isZero();
		String id = experiment.get("id").asString();
		assertThat(this.http.get("/experiments/" + id + "/timeline.svg").body())
			.contains("arrived, waiting to start (the backlog)");
		assertThat(this.http.get("/experiments/" + id + "/trace.json").body()).contains("tasks waiting to start");
	}

	@Test
	void anOpenModelRequestShouldBeRefusedWithReasonsWhenItCannotRun() {
		String sleep = "\"workload\":{\"type\":\"sleep\",\"millis\":5}";
		Map<String, String> refused = Map.of(
				"{\"mode\":\"virtual-threads\"," + sleep + ",\"tasks\":5,\"arrival\":{\"ratePerSecond\":10,"
						+ "\"durationMillis\":100}}",
				"give either tasks",
				"{\"mode\":\"fork-join\"," + sleep + ",\"arrival\":{\"ratePerSecond\":10,\"durationMillis\":100}}",
				"runs no open model",
				"{\"mode\":\"async\"," + sleep + ",\"arrival\":{\"ratePerSecond\":0,\"durationMillis\":100}}",
				"arrival.ratePerSecond",
				"{\"mode\":\"async\"," + sleep + ",\"arrival\":{\"ratePerSecond\":1e400,\"durationMillis\":100}}",
				"arrival.ratePerSecond",
				"{\"mode\":\"async\"," + sleep + ",\"arrival\":{\"ratePerSecond\":100000,\"durationMillis\":600000}}",
				"lab.max-tasks",
				"{\"mode\":\"async\"," + sleep + ",\"timeoutMillis\":100,\"arrival\":{\"ratePerSecond\":10,"
						+ "\"durationMillis\":100}}",
				"must be longer than arrival.durationMillis",
				"{\"mode\":\"async\"," + sleep + ",\"arrival\":{\"ratePerSecond\":10,\"durationMillis\":0}}",
				"arrival.durationMillis",
				"{\"mode\":\"async\"," + sleep + ",\"arrival\":{\"ratePerSecond\":10,\"durationMillis\":100,"
						+ "\"distribution\":\"bursty\"}}",
				"distribution");
		refused.forEach((body, reason) -> {
			LabHttp.Answer answer = this.http.post("/experiments", body);
			assertThat(answer.status()).as(body + " → " + answer.body()).isEqualTo(400);
			assertThat(answer.body()).as(body).contains(reason);
		});
	}

	@Test
	void aDbWorkloadShouldBeRefusedWhereNoThreadOfOursMayBlockOnJdbc() {
		for (String mode : List.of("event-loop", "processes", "process-pool")) {
			LabHttp.Answer answer = this.http.post("/experiments",
					"{\"mode\":\"" + mode + "\",\"workload\":{\"type\":\"db\",\"millis\":10},\"tasks\":2}");
			assertThat(answer.status()).as(mode).isEqualTo(400);
			assertThat(answer.body()).as(mode).contains("workload.type").contains("'db' makes JDBC calls");
		}
		LabHttp.Answer bounds = this.http.post("/experiments", "{\"mode\":\"async\",\"workload\":{\"type\":\"db\","
				+ "\"millis\":10,\"poolSize\":0,\"connectionTimeoutMillis\":100},\"tasks\":2}");
		assertThat(bounds.status()).isEqualTo(400);
		assertThat(bounds.body()).contains("workload.poolSize").contains("workload.connectionTimeoutMillis");
	}

	@Test
	void docsAndOnlyTheAgreedActuatorEndpointsShouldBeServed() {
		JsonNode docs = this.http.get("/v3/api-docs").json();
		assertThat(docs.get("paths").propertyNames()).contains("/experiments", "/experiments/{id}",
				"/experiments/{id}/tasks", "/machine", "/machine/calibrate", "/modes", "/workloads", "/delay");
		assertThat(this.http.get("/swagger-ui.html").status()).isEqualTo(200);
		for (String exposed : List.of("health", "info", "metrics", "prometheus")) {
			assertThat(this.http.get("/actuator/" + exposed).status()).as(exposed).isEqualTo(200);
		}
		for (String hidden : List.of("env", "beans", "threaddump", "heapdump", "shutdown")) {
			assertThat(this.http.get("/actuator/" + hidden).status()).as(hidden).isEqualTo(404);
		}
	}

	@Test
	void errorsShouldBeProblemDetailsWithoutStackTraces() {
		LabHttp.Answer unknown = this.http.get("/experiments/does-not-exist");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.header("Content-Type")).isEqualTo("application/problem+json");
		LabHttp.Answer bad = this.http.post("/experiments", "{\"mode\":\"threads\"");
		assertThat(bad.status()).isEqualTo(400);
		for (LabHttp.Answer answer : List.of(unknown, bad, this.http.get("/no/such/path"))) {
			assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("trace");
			assertThat(answer.json().get("detail").asString()).isNotBlank();
		}
	}

}
