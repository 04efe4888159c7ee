package dev.concurrencylab.experiment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live progress, lists, CSV, pictures, comparisons and presets against the real server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LabFeaturesIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	private LabHttp http;

	@BeforeAll
	void client() {
		this.http = new LabHttp(this.port);
	}

	@AfterAll
	void closeClient() {
		this.http.close();
	}

	@Test
	void eventsShouldStreamProgressThenExactlyOneFinishedEqualToTheResult() throws Exception {
		// Waits far longer than the test, cancelled once the stream has shown them
		// running: nothing here depends on how fast the machine or the client is.
		String location = this.http
			.post("/experiments?waitMillis=0",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":50}")
			.header("Location");
		List<String[]> events = new ArrayList<>();
		boolean cancelled = false;
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<java.io.InputStream> response = client.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + location + "/events")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String name = null;
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("event:")) {
						name = line.substring(6);
					}
					else if (line.startsWith("data:")) {
						events.add(new String[] { name, line.substring(5) });
						if (!cancelled && progressEvents(events).size() >= 2
								&& JSON.readTree(line.substring(5)).get("inFlight").asInt() == 50) {
							assertThat(this.http.delete(location).status()).isEqualTo(202);
							cancelled = true;
						}
					}
				}
			}
		}
		assertThat(cancelled).as("the stream showed every task in flight before the cancel").isTrue();
		List<JsonNode> progress = progressEvents(events);
		List<String[]> finished = events.stream().filter((e) -> e[0].equals("finished")).toList();
		assertThat(finished).hasSize(1);
		assertThat(events.get(events.size() - 1)[0]).isEqualTo("finished");
		// At most 10 progress events a second, by the server's own clock: one per 100 ms
		// tick between the first and the last event, plus the one sent on opening and the
		// last one sent with the result.
		double firstMillis = progress.get(0).get("elapsedMillis").asDouble();
		double lastMillis = progress.get(progress.size() - 1).get("elapsedMillis").asDouble();
		assertThat(lastMillis).isGreaterThanOrEqualTo(firstMillis);
		assertThat(progress).hasSizeLessThanOrEqualTo((int) ((lastMillis - firstMillis) / 100) + 3);
		JsonNode last = JSON.readTree(finished.get(0)[1]);
		JsonNode result = this.http.get(location).json();
		assertThat(last.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(last.get("summary")).isEqualTo(result.get("summary"));
		assertThat(last.get("summary").get("cancelled").asInt()).isEqualTo(50);
	}

	@Test
	void listShouldFilterByStatusAndMode() {
		this.http.post("/experiments",
				"{\"mode\":\"fork-join\",\"workload\":{\"type\":\"cpu\",\"iterations\":1000},\"tasks\":2,\"label\":\"listed\"}");
		JsonNode page = this.http.get("/experiments?mode=fork-join&status=SUCCEEDED&size=5").json();
		assertThat(page.get("total").asInt()).isPositive();
		page.get("items").forEach((item) -> {
			assertThat(item.get("mode").asString()).isEqualTo("fork-join");
			assertThat(item.get("status").asString()).isEqualTo("SUCCEEDED");
		});
		LabHttp.Answer bad = this.http.get("/experiments?status=DONE");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("status");
	}

	@Test
	void csvShouldHaveAHeaderAndOneLinePerTask() throws Exception {
		String location = this.http
			.post("/experiments",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":0},\"tasks\":20000}")
			.header("Location");
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> csv = client
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + location + "/tasks"))
					.header("Accept", "text/csv")
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(csv.statusCode()).isEqualTo(200);
			assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
			String[] lines = csv.body().split("\n");
			assertThat(lines[0]).isEqualTo(TimingsCsv.HEADER);
			assertThat(lines).hasSize(20_001);
			assertThat(lines[20_000]).startsWith("19999,SUCCEEDED,");
		}
	}

	@Test
	void timelineOfTwoThreadsAndTenTasksShouldShowTwoLanesAndTenBars() {
		String location = this.http.post("/experiments",
				"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":20},\"tasks\":10,\"concurrency\":2}")
			.header("Location");
		LabHttp.Answer svg = this.http.get(location + "/timeline.svg");
		assertThat(svg.status()).isEqualTo(200);
		assertThat(svg.header("Content-Type")).startsWith("image/svg+xml");
		assertThat(count(svg.body(), "<title>task \\d+:")).isEqualTo(10);
		assertThat(count(svg.body(), ">platform-[12]</text>")).isEqualTo(2);
		assertThat(svg.body()).contains("tasks in flight").contains("10 tasks on 2 lanes");
	}

	@Test
	void timelineOfManyTasksShouldStaySmall() {
		String location = this.http.post("/experiments",
				"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":10000,\"concurrency\":100}")
			.header("Location");
		String svg = this.http.get(location + "/timeline.svg").body();
		assertThat(svg.length()).isLessThan(1_000_000);
		assertThat(svg).contains("grouped into 48 rows").contains("shaded by how busy");
	}

	@Test
	void comparisonShouldRunEveryModeRepeatedlyAndGiveAVerdictAndAChart() throws InterruptedException {
		LabHttp.Answer answer = this.http.post("/comparisons?waitMillis=60000",
				"{\"workload\":{\"type\":\"sleep\",\"millis\":100},\"tasks\":4,\"concurrency\":4,"
						+ "\"modes\":[\"sequential\",\"virtual-threads\",\"event-loop\"],\"repeats\":2}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		JsonNode comparison = answer.json();
		assertThat(comparison.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(comparison.get("runsDone").asInt()).isEqualTo(6);
		JsonNode results = comparison.get("results");
		assertThat(results).hasSize(3);
		assertThat(results.get(0).get("mode").asString()).isEqualTo("sequential");
		assertThat(results.get(0).get("vsSequential").asDouble()).isEqualTo(1.0);
		assertThat(results.get(1).get("runs").asInt()).isEqualTo(2);
		assertThat(results.get(1).get("experiments")).hasSize(2);
		assertThat(results.get(1).get("vsSequential").asDouble()).isGreaterThan(1.5);
		// 4 tasks × 100 ms one after another ÷ wall: the same figure as the experiments'.
		assertThat(results.get(1).get("speedup").asDouble()).isGreaterThan(1.5);
		assertThat(comparison.get("verdict").asString()).startsWith("Waits:").contains("faster than sequential");
		LabHttp.Answer chart = this.http.get(comparison.get("links").get("chart").asString());
		assertThat(chart.header("Content-Type")).startsWith("image/svg+xml");
		assertThat(chart.body()).contains(">sequential</text>").contains(">event-loop</text>").contains("ideal");
	}

	@Test
	void aDbComparisonsVerdictShouldNameThePoolAsTheLimit() {
		LabHttp.Answer answer = this.http.post("/comparisons?waitMillis=60000",
				"{\"workload\":{\"type\":\"db\",\"millis\":10,\"poolSize\":2},\"tasks\":20,"
						+ "\"modes\":[\"platform-threads\",\"virtual-threads\",\"async\"],\"repeats\":1}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		JsonNode comparison = answer.json();
		assertThat(comparison.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(comparison.get("verdict").asString()).startsWith("Database queries:")
			.contains(
					"The pool is the limit: 2 connections ÷ 10 ms a query allow 200 queries/s at most, whatever the mode")
			.doesNotContain("Also no faster")
			.contains("virtual-threads ")
			.contains("async ");
	}

	@Test
	void anOpenModelComparisonShouldSayWhichModesKeptUpAndWhichFellBehind() {
		// 100 arrivals a second of 20 ms waits: one platform thread serves 50 a second.
		LabHttp.Answer answer = this.http.post("/comparisons?waitMillis=60000",
				"{\"workload\":{\"type\":\"sleep\",\"millis\":20},\"arrival\":{\"ratePerSecond\":100,"
						+ "\"durationMillis\":500,\"maxQueueMillis\":50},\"modes\":[\"platform-threads\","
						+ "\"virtual-threads\"],\"concurrencyByMode\":{\"platform-threads\":1},\"repeats\":1}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		JsonNode comparison = answer.json();
		assertThat(comparison.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(comparison.get("tasks").asInt()).isEqualTo(50);
		JsonNode platform = comparison.get("results").get(0).get("openModel");
		assertThat(platform.get("concurrency").asInt()).isEqualTo(1);
		assertThat(platform.get("dropped").get("median").asDouble()).isPositive();
		assertThat(comparison.get("results").get(1).get("openModel").get("dropped").get("median").asDouble()).isZero();
		// Whether virtual threads began a few tasks late depends on the machine; the
		// pool's
		// drops do not.
		assertThat(comparison.get("verdict").asString()).startsWith("Open model: ")
			.contains("Fell behind — platform-threads (1 thread, p99")
			.containsPattern("platform-threads \\(1 thread, [^)]* dropped of 50\\)");

		LabHttp.Answer stray = this.http.post("/comparisons", "{\"workload\":{\"type\":\"sleep\",\"millis\":20},"
				+ "\"tasks\":4,\"modes\":[\"virtual-threads\"],\"concurrencyByMode\":{\"async\":2}}");
		assertThat(stray.status()).isEqualTo(400);
		assertThat(stray.body()).contains("names 'async', which is not in modes");
	}

	@Test
	void anHttpWorkloadShouldKeepItsCallsInFlightWithinTheFileDescriptorBudget() {
		LabHttp.Answer refused = this.http.post("/experiments?waitMillis=0",
				"{\"mode\":\"async\",\"workload\":{\"type\":\"http\",\"millis\":1},\"tasks\":5000,"
						+ "\"concurrency\":5000}");
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.json().get("detail").asString()).contains("lab.max-http-in-flight");

		JsonNode capped = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"async\",\"workload\":{\"type\":\"http\",\"millis\":1},\"tasks\":3000}")
			.json();
		assertThat(capped.get("concurrency").asInt()).isBetween(1, 2000);
		assertThat(capped.get("status").asString()).isEqualTo("SUCCEEDED");
	}

	@Test
	void aCancelledComparisonShouldStopItsRunAndStartNoOther() {
		String location = this.http
			.post("/comparisons?waitMillis=0",
					"{\"workload\":{\"type\":\"sleep\",\"millis\":30000},\"tasks\":2,"
							+ "\"modes\":[\"virtual-threads\",\"event-loop\"],\"repeats\":3}")
			.header("Location");
		// Precondition: its first run has tasks in flight.
		String run = Awaits
			.awaitValue("the comparison's first run in flight", Awaits.PATIENCE,
					() -> this.http.get("/experiments?status=RUNNING").json().get("items"), (items) -> !items.isEmpty())
			.get(0)
			.get("self")
			.asString();
		this.http.awaitInFlight(run);

		assertThat(this.http.delete(location).status()).isEqualTo(202);

		JsonNode cancelled = Awaits.awaitValue("the comparison cancelled", Awaits.PATIENCE,
				() -> this.http.get(location).json(), (c) -> c.get("status").asString().equals("CANCELLED"));
		assertThat(cancelled.get("error").asString()).isEqualTo("The comparison was cancelled.");
		assertThat(this.http.awaitFinished(run).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.http.get("/experiments?status=RUNNING").json().get("items")).isEmpty();
		assertThat(this.http.delete(location).status()).isEqualTo(409);
	}

	@Test
	void invalidComparisonsShouldBeRejectedBeforeAnythingRuns() {
		LabHttp.Answer answer = this.http.post("/comparisons",
				"{\"workload\":{\"type\":\"sleep\",\"millis\":1},\"modes\":[\"async\",\"async\",\"warp\"],\"repeats\":11}");
		assertThat(answer.status()).isEqualTo(400);
		List<String> fields = new ArrayList<>();
		answer.json().get("errors").forEach((error) -> fields.add(error.get("field").asString()));
		assertThat(fields).contains("modes", "repeats");
		assertThat(this.http.get("/comparisons/nope").status()).isEqualTo(404);
	}

	@Test
	void presetsShouldListTheClassicsAndRunOne() {
		JsonNode presets = this.http.get("/presets").json();
		List<String> names = new ArrayList<>();
		presets.forEach((preset) -> names.add(preset.get("name").asString()));
		assertThat(names).contains("two-threads-waiting", "five-processes-squaring", "three-coroutines",
				"threads-vs-processes-cpu", "ten-thousand-waits");
		LabHttp.Answer run = this.http.post("/presets/three-coroutines/run", "");
		assertThat(run.status()).isEqualTo(201);
		assertThat(run.json().get("shows").asString()).contains("2 s");
		JsonNode experiment = run.json().get("experiment");
		assertThat(experiment.get("mode").asString()).isEqualTo("event-loop");
		assertThat(experiment.get("summary").get("threadsUsed").asInt()).isEqualTo(1);
		assertThat(experiment.get("summary").get("peakInFlight").asInt()).isEqualTo(3);
		assertThat(this.http.post("/presets/nothing/run", "").status()).isEqualTo(404);
	}

	private static List<JsonNode> progressEvents(List<String[]> events) {
		return events.stream().filter((e) -> e[0].equals("progress")).map((e) -> JSON.readTree(e[1])).toList();
	}

	private static int count(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
