package dev.concurrencylab.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code trace.json} of a 10-task experiment in every mode follows the Chrome Trace Event
 * Format's rules that Perfetto and chrome://tracing rely on: times in microseconds, the
 * complete slices of one thread nest, every process and thread used is named, async
 * slices come in pairs, every task is there once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceIntegrationTest {

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

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "sequential", "platform-threads", "virtual-threads", "fork-join", "async", "reactive",
			"processes", "process-pool", "event-loop", "gil-threads" })
	void aTraceShouldFollowTheFormatsRules(String mode) throws IOException, InterruptedException {
		JsonNode experiment = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"" + mode + "\",\"workload\":{\"type\":\"mixed\","
							+ "\"millis\":15,\"iterations\":200000},\"tasks\":10,\"isolation\":\"shared\"}")
			.json();
		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		String id = experiment.get("id").asString();
		assertThat(experiment.get("links").get("trace").asString()).isEqualTo("/experiments/" + id + "/trace.json");

		LabHttp.Answer plain = this.http.get("/experiments/" + id + "/trace.json");
		assertThat(plain.status()).isEqualTo(200);
		JsonNode trace = JSON.readTree(plain.body());
		assertThat(JSON.readTree(gzipped("/experiments/" + id + "/trace.json"))).isEqualTo(trace);
		assertThat(trace.get("displayTimeUnit").asString()).isEqualTo("ms");
		assertThat(trace.get("otherData").get("sampled").asBoolean()).isFalse();

		List<JsonNode> events = new ArrayList<>();
		trace.get("traceEvents").forEach(events::add);
		assertEveryTaskOnceInMicroseconds(events, experiment);
		assertCompleteSlicesNestPerThread(events);
		assertEveryProcessAndThreadNamed(events);
		assertAsyncSlicesPaired(events);
		assertPhasesNestedInEveryTask(events);
		if (mode.equals("event-loop")) {
			assertThat(events.stream().filter((e) -> e.get("ph").asString().equals("b")))
				.as("one thread runs every task, overlapping: async slices, with their phases")
				.hasSizeGreaterThanOrEqualTo(30);
		}
		assertThat(events.stream().filter((e) -> e.get("ph").asString().equals("C"))).as("a counter of tasks in flight")
			.isNotEmpty()
			.allSatisfy((c) -> assertThat(c.get("args").get("inFlight").asInt()).isBetween(0, 10));
	}

	@Test
	void aDeadlineShouldBeAnInstantEvent() {
		JsonNode experiment = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":5000},\"tasks\":3,"
							+ "\"timeoutMillis\":300}")
			.json();
		assertThat(experiment.get("status").asString()).isEqualTo("FAILED");

		JsonNode trace = this.http.get("/experiments/" + experiment.get("id").asString() + "/trace.json").json();

		List<JsonNode> instants = new ArrayList<>();
		trace.get("traceEvents").forEach((e) -> {
			if (e.get("ph").asString().equals("i")) {
				instants.add(e);
			}
		});
		assertThat(instants).singleElement().satisfies((i) -> {
			assertThat(i.get("name").asString()).isEqualTo("deadline");
			assertThat(i.get("ts").asDouble()).isCloseTo(300_000, within(200_000.0));
		});
	}

	@Test
	void aComparisonShouldBeAProcessPerModeRun() {
		JsonNode comparison = this.http
			.post("/comparisons?waitMillis=60000",
					"{\"workload\":{\"type\":\"sleep\",\"millis\":10},\"tasks\":4,"
							+ "\"modes\":[\"virtual-threads\",\"event-loop\"],\"repeats\":2}")
			.json();
		assertThat(comparison.get("status").asString()).isEqualTo("SUCCEEDED");

		JsonNode trace = this.http.get("/comparisons/" + comparison.get("id").asString() + "/trace.json").json();

		List<String> processes = new ArrayList<>();
		trace.get("traceEvents").forEach((e) -> {
			if (e.get("name").asString().equals("process_name")) {
				processes.add(e.get("pid").asLong() + " " + e.get("args").get("name").asString());
			}
		});
		assertThat(processes).containsExactlyInAnyOrder("1 virtual-threads · run 1", "2 event-loop · run 1",
				"3 virtual-threads · run 2", "4 event-loop · run 2");
		assertThat(trace.get("otherData").get("tasks").asInt()).isEqualTo(16);
	}

	/**
	 * Each task is one slice (X, or a b/e pair) lasting its duration, in microseconds.
	 */
	private static void assertEveryTaskOnceInMicroseconds(List<JsonNode> events, JsonNode experiment) {
		Map<Integer, Double> durations = new HashMap<>();
		Map<Long, Double> begins = new HashMap<>();
		for (JsonNode event : events) {
			if (!"task".equals(event.path("cat").asString("")) || !event.get("name").asString().startsWith("task ")) {
				continue;
			}
			switch (event.get("ph").asString()) {
				case "X" ->
					assertThat(durations.put(event.get("args").get("task").asInt(), event.get("dur").asDouble()))
						.as("one slice per task")
						.isNull();
				case "b" -> {
					begins.put(event.get("id").asLong(), event.get("ts").asDouble());
					assertThat(durations.put(event.get("args").get("task").asInt(), -event.get("ts").asDouble()))
						.isNull();
				}
				case "e" -> {
					int task = (int) (event.get("id").asLong() & 0xffffffffL);
					durations.merge(task, event.get("ts").asDouble(), Double::sum);
				}
				default -> {
				}
			}
		}
		assertThat(durations).hasSize(10);
		for (JsonNode timing : experiment.get("timings")) {
			double micros = durations.get(timing.get("task").asInt());
			assertThat(micros).as("task %s in microseconds", timing.get("task"))
				.isCloseTo(timing.get("durationMillis").asDouble() * 1_000, within(2.0));
		}
	}

	private static void assertCompleteSlicesNestPerThread(List<JsonNode> events) {
		Map<String, List<double[]>> byThread = new HashMap<>();
		for (JsonNode event : events) {
			if (event.get("ph").asString().equals("X")) {
				double start = event.get("ts").asDouble();
				byThread
					.computeIfAbsent(event.get("pid").asLong() + "/" + event.get("tid").asLong(),
							(k) -> new ArrayList<>())
					.add(new double[] { start, start + event.get("dur").asDouble() });
			}
		}
		byThread.forEach((thread, slices) -> {
			slices.sort(Comparator.comparingDouble((double[] s) -> s[0]).thenComparingDouble((s) -> -s[1]));
			List<double[]> open = new ArrayList<>();
			for (double[] slice : slices) {
				// Within a nanosecond: ts and dur are microseconds with three decimals.
				open.removeIf((outer) -> outer[1] <= slice[0] + 0.001);
				for (double[] outer : open) {
					assertThat(slice[1]).as("slices of thread %s nest or follow each other", thread)
						.isLessThanOrEqualTo(outer[1] + 0.001);
				}
				open.add(slice);
			}
		});
	}

	private static void assertEveryProcessAndThreadNamed(List<JsonNode> events) {
		Set<Long> namedProcesses = new HashSet<>();
		Set<String> namedThreads = new HashSet<>();
		for (JsonNode event : events) {
			if (event.get("ph").asString().equals("M")) {
				switch (event.get("name").asString()) {
					case "process_name" -> namedProcesses.add(event.get("pid").asLong());
					case "thread_name" -> namedThreads.add(event.get("pid").asLong() + "/" + event.get("tid").asLong());
					default -> {
					}
				}
			}
		}
		for (JsonNode event : events) {
			if (event.get("ph").asString().equals("M")) {
				continue;
			}
			assertThat(namedProcesses).as("process of %s", event).contains(event.get("pid").asLong());
			if (event.has("tid")) {
				assertThat(namedThreads).as("thread of %s", event)
					.contains(event.get("pid").asLong() + "/" + event.get("tid").asLong());
			}
		}
	}

	/**
	 * Every async begin has its end, with the same category, id and name; slices under
	 * one id nest (a task's phases in the task), so they close in the reverse order.
	 */
	private static void assertAsyncSlicesPaired(List<JsonNode> events) {
		Map<String, Deque<JsonNode>> open = new HashMap<>();
		for (JsonNode event : events) {
			String ph = event.get("ph").asString();
			String key = event.path("cat").asString("") + "/" + event.path("id").asLong();
			if (ph.equals("b")) {
				Deque<JsonNode> stack = open.computeIfAbsent(key, (k) -> new ArrayDeque<>());
				if (!stack.isEmpty()) {
					assertThat(event.get("ts").asDouble()).as("a nested slice of %s starts inside it", key)
						.isGreaterThanOrEqualTo(stack.peek().get("ts").asDouble() - 0.001);
				}
				stack.push(event);
			}
			else if (ph.equals("e")) {
				assertThat(open.get(key)).as("a begin before the end of %s", key).isNotEmpty();
				JsonNode begin = open.get(key).pop();
				assertThat(event.get("name").asString()).as("the innermost open slice of %s ends first", key)
					.isEqualTo(begin.get("name").asString());
				assertThat(event.get("ts").asDouble()).isGreaterThanOrEqualTo(begin.get("ts").asDouble());
			}
		}
		assertThat(open.values()).as("async slices without an end").allMatch(Deque::isEmpty);
	}

	/**
	 * Every task that ended has its phases nested in it: a computing slice (with its
	 * on-CPU split) and a waiting slice for this mixed workload.
	 */
	private static void assertPhasesNestedInEveryTask(List<JsonNode> events) {
		Map<String, Long> phases = new HashMap<>();
		for (JsonNode event : events) {
			String name = event.path("name").asString("");
			String ph = event.get("ph").asString();
			if ((ph.equals("X") || ph.equals("b")) && (name.equals("computing") || name.equals("waiting"))) {
				phases.merge(name, 1L, Long::sum);
				if (ph.equals("X") && name.equals("computing")) {
					assertThat(event.get("args").has("onCpuMillis")).isTrue();
				}
			}
		}
		assertThat(phases).containsEntry("computing", 10L).containsEntry("waiting", 10L);
	}

	private String gzipped(String path) throws IOException, InterruptedException {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<InputStream> response = client
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
					.header("Accept-Encoding", "gzip")
					.timeout(Duration.ofMinutes(1))
					.build(), HttpResponse.BodyHandlers.ofInputStream());
			assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
			try (InputStream body = new GZIPInputStream(response.body())) {
				return new String(body.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
	}

}
