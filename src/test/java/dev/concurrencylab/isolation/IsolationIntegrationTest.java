package dev.concurrencylab.isolation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs that would disturb each other do not overlap, and when they are allowed to, each
 * reports the other; the figures of the summary keep their one meaning.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IsolationIntegrationTest {

	@LocalServerPort
	private int port;

	private LabHttp http;

	/** Kernel iterations that take about this long on one thread, from the capacity. */
	private long iterationsFor(Duration duration) {
		double nanosPerIteration = this.http.get("/machine").json().get("capacity").get("nanosPerIteration").asDouble();
		return (long) (duration.toNanos() / nanosPerIteration);
	}

	@Autowired
	private AdmissionGate gate;

	/**
	 * Precondition of every test here: the start-up runs (the capacity calibration and
	 * the worker image, both exclusive) are done, and nothing else is queued or running.
	 */
	@BeforeEach
	void waitForTheStartUpRuns() {
		this.http = new LabHttp(this.port);
		await().atMost(Duration.ofMinutes(1))
			.until(() -> this.http.get("/machine").json().get("calibration").asString().equals("MEASURED"));
		await().atMost(Duration.ofMinutes(1)).until(() -> this.gate.active() == 0 && this.gate.waiting() == 0);
	}

	@Test
	void aSecondComputationShouldWaitForTheFirstAndNeitherShouldSeeTheOther() throws InterruptedException {
		String body = cpu("platform-threads", 4, iterationsFor(Duration.ofMillis(400)), null);
		String first = this.http.post("/experiments?waitMillis=0", body).header("Location");
		String second = this.http.post("/experiments?waitMillis=0", body).header("Location");

		JsonNode firstNow = this.http.get(first).json();
		JsonNode secondNow = this.http.get(second).json();
		assertThat(firstNow.get("status").asString()).isEqualTo("RUNNING");
		assertThat(secondNow.get("status").asString()).isEqualTo("QUEUED");
		assertThat(secondNow.get("isolation").asString()).isEqualTo("exclusive");

		JsonNode a = this.http.awaitFinished(first);
		JsonNode b = this.http.awaitFinished(second);
		assertThat(a.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(b.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(java.time.Instant.parse(b.get("startedAt").asString()))
			.isAfterOrEqualTo(java.time.Instant.parse(a.get("finishedAt").asString()));
		for (JsonNode run : List.of(a, b)) {
			JsonNode interference = run.get("summary").get("interference");
			assertThat(interference.get("isolation").asString()).isEqualTo("exclusive");
			assertThat(interference.get("otherRuns").asInt()).isZero();
			assertThat(interference.get("otherRunsBusyTaskSeconds").asDouble()).isZero();
		}
		assertThat(b.get("summary").get("interference").get("admissionWaitMillis").asDouble()).isPositive();
	}

	@Test
	void anExperimentCancelledWhileQueuedShouldKeepItsReportsAndTimeline() {
		String body = cpu("platform-threads", 2, iterationsFor(Duration.ofMillis(400)), null);
		String first = this.http.post("/experiments?waitMillis=0", body).header("Location");
		String second = this.http.post("/experiments?waitMillis=0", body).header("Location");
		assertThat(this.http.get(second).json().get("status").asString()).isEqualTo("QUEUED");

		assertThat(this.http.delete(second).status()).isEqualTo(202);

		JsonNode cancelled = this.http.awaitFinished(second);
		assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
		LabHttp.Answer timeline = this.http.get(second + "/timeline.svg");
		assertThat(timeline.status()).isEqualTo(200);
		assertThat(timeline.body()).startsWith("<svg");
		assertThat(this.http.get(second + "/tasks").status()).isEqualTo(200);
		this.http.awaitFinished(first);
	}

	@Test
	void sharedComputationsShouldRunTogetherAndReportEachOther() throws InterruptedException {
		String body = cpu("platform-threads", 2, iterationsFor(Duration.ofMillis(600)), "shared");
		String first = this.http.post("/experiments?waitMillis=0", body).header("Location");
		String second = this.http.post("/experiments?waitMillis=0", body).header("Location");

		assertThat(this.http.get(first).json().get("status").asString()).isEqualTo("RUNNING");
		assertThat(this.http.get(second).json().get("status").asString()).isEqualTo("RUNNING");
		for (String location : List.of(first, second)) {
			JsonNode interference = this.http.awaitFinished(location).get("summary").get("interference");
			assertThat(interference.get("isolation").asString()).isEqualTo("shared");
			assertThat(interference.get("otherRuns").asInt()).isEqualTo(1);
			assertThat(interference.get("otherRunsBusyTaskSeconds").asDouble()).isPositive();
		}
	}

	@Test
	void aComparisonShouldWaitForARunningExperiment() throws InterruptedException {
		String experiment = this.http
			.post("/experiments?waitMillis=0",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1500},\"tasks\":3}")
			.header("Location");
		LabHttp.Answer posted = this.http.post("/comparisons?waitMillis=0",
				"{\"workload\":{\"type\":\"sleep\",\"millis\":10},\"tasks\":2,\"modes\":[\"sequential\",\"async\"],"
						+ "\"repeats\":1}");

		assertThat(this.http.get(experiment).json().get("status").asString()).isEqualTo("RUNNING");
		assertThat(posted.json().get("status").asString()).isEqualTo("QUEUED");
		String comparison = posted.header("Location");
		JsonNode waited = this.http.awaitFinished(experiment);
		await().atMost(Duration.ofMinutes(1))
			.until(() -> this.http.get(comparison).json().get("status").asString().equals("SUCCEEDED"));
		JsonNode done = this.http.get(comparison).json();
		String firstRun = done.get("results").get(0).get("experiments").get(0).asString();
		assertThat(
				java.time.Instant.parse(this.http.get("/experiments/" + firstRun).json().get("startedAt").asString()))
			.isAfterOrEqualTo(java.time.Instant.parse(waited.get("finishedAt").asString()));
		assertThat(done.get("noise").get("interference").get("otherRuns").asInt()).isZero();
	}

	@Test
	void speedupShouldBeBoundedByTheCapacityWhileOverlapCountsTheTimeSlicedThreads() {
		double before = this.http.post("/machine/calibrate", "")
			.json()
			.get("capacity")
			.get("parallelCapacity")
			.asDouble();
		JsonNode summary = this.http.post("/experiments?waitMillis=120000",
				cpu("platform-threads", 8, iterationsFor(Duration.ofMillis(500)), null).replace("\"tasks\":8",
						"\"tasks\":8,\"concurrency\":8"))
			.json()
			.get("summary");
		double after = this.http.post("/machine/calibrate", "")
			.json()
			.get("capacity")
			.get("parallelCapacity")
			.asDouble();

		assertThat(summary.get("succeeded").asInt()).isEqualTo(8);
		// All eight ran at once, time-sliced on the cores ...
		assertThat(summary.get("overlap").asDouble()).isBetween(7.0, 8.0);
		// ... but eight tasks one after another on one thread ÷ wall cannot beat the
		// capacity measured around the run. Both c₁ and C are measurements: they are only
		// meaningful on a quiet machine, judged by the lab's own rule for comparisons (C
		// before and after within 10 %, processes outside the lab below a tenth of the
		// cores during the run). On a noisy machine (this one is shared) the bound is not
		// checked: the test is reported as skipped, not passed.
		double speedup = summary.get("speedup").asDouble();
		double cores = this.http.get("/machine").json().get("cores").asDouble();
		double outside = summary.get("interference").get("otherProcessesCpuMillis").asDouble()
				/ summary.get("wallMillis").asDouble();
		assumeThat(Math.abs(after - before) / Math.max(before, after)).as("change of C around the run")
			.isLessThanOrEqualTo(0.10);
		assumeThat(outside).as("cores' worth of CPU used outside the lab during the run").isLessThan(0.1 * cores);
		assertThat(speedup).isLessThanOrEqualTo(1.1 * Math.max(before, after));
	}

	@Test
	void speedupOfWaitsShouldBeTheTasksTimesTheEfficiency() {
		JsonNode summary = this.http
			.post("/experiments?waitMillis=120000",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1000},\"tasks\":10000}")
			.json()
			.get("summary");

		assertThat(summary.get("succeeded").asInt()).isEqualTo(10_000);
		assertThat(summary.get("sequentialEstimateMillis").asDouble()).isEqualTo(10_000_000.0);
		assertThat(summary.get("speedup").asDouble()).isCloseTo(10_000 * summary.get("efficiency").asDouble(),
				within(10_000 * 0.0006));
	}

	@Test
	void aComparisonDuringAnOutsideCpuHogShouldBeCalledNoisy() throws Exception {
		List<Process> hogs = new ArrayList<>();
		try {
			for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
				// Bounded: `timeout` ends the busy shell after a minute even if this JVM
				// dies;
				// normally both are killed below, the shell first (killing `timeout`
				// alone
				// would orphan it).
				hogs.add(new ProcessBuilder("timeout", "--kill-after=1", "60", "sh", "-c", "while :; do :; done")
					.start());
			}
			// Precondition: every busy shell runs.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> hogs.stream().allMatch((hog) -> hog.descendants().anyMatch(ProcessHandle::isAlive)));
			JsonNode comparison = this.http
				.post("/comparisons?waitMillis=120000",
						"{\"workload\":{\"type\":\"cpu\",\"iterations\":" + iterationsFor(Duration.ofMillis(200))
								+ "},\"tasks\":2,\"modes\":[\"sequential\",\"platform-threads\"],\"repeats\":1}")
				.json();

			assertThat(comparison.get("status").asString()).isEqualTo("SUCCEEDED");
			JsonNode noise = comparison.get("noise");
			assertThat(noise.get("otherProcessesCores").asDouble()).isGreaterThan(0.5);
			assertThat(noise.get("noisy").asBoolean()).isTrue();
			assertThat(noise.get("capacityBefore").isNumber()).isTrue();
			assertThat(noise.get("capacityAfter").isNumber()).isTrue();
			assertThat(comparison.get("verdict").asString()).startsWith("The machine was noisy")
				.contains("processes outside the lab used");
		}
		finally {
			List<ProcessHandle> shells = hogs.stream().flatMap(Process::descendants).toList();
			shells.forEach(ProcessHandle::destroyForcibly);
			hogs.forEach(Process::destroyForcibly);
			for (Process hog : hogs) {
				hog.waitFor();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> shells.stream().noneMatch(ProcessHandle::isAlive));
		}
		assertThat(hogs).noneMatch(Process::isAlive);
	}

	private static String cpu(String mode, int tasks, long iterations, String isolation) {
		return "{\"mode\":\"" + mode + "\",\"workload\":{\"type\":\"cpu\",\"iterations\":" + iterations + "},\"tasks\":"
				+ tasks + ((isolation != null) ? ",\"isolation\":\"" + isolation + "\"" : "") + "}";
	}

}
