package dev.concurrencylab.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.OpenApiContract;
import dev.concurrencylab.comparison.ComparisonService;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.experiment.ExperimentService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile client, 2,000 requests from a fixed seed: every endpoint and method, any
 * content type and {@code Accept}, bodies made from valid requests with wrong types, huge
 * and negative numbers, deep nesting, unknown fields, unicode and control characters, 1
 * MB bodies; injection and traversal strings in ids and query parameters.
 *
 * <p>
 * Every answer is 2xx, 3xx or 4xx, every 4xx a problem detail, every answer as the
 * OpenAPI document says ({@link OpenApiContract}); a refused request starts no run;
 * afterwards no lab thread or worker process is left and the service is healthy. The
 * service runs with small limits so that the requests that happen to be valid run tiny
 * experiments.
 */
class HostileInputFuzzTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static ConfigurableApplicationContext context;

	private static HttpClient client;

	private static String base;

	private static final List<String> ids = new ArrayList<>();

	@BeforeContainer
	static void startService() {
		context = SpringApplication.run(ConcurrencyLabApplication.class, "--server.port=0",
				"--server.address=127.0.0.1", "--lab.max-tasks=12", "--lab.max-millis=40", "--lab.max-steps=3",
				"--lab.max-iterations=2000000", "--lab.max-threads=12", "--lab.max-timeout-millis=5000",
				"--lab.default-timeout-millis=5000", "--lab.max-wait-millis=5000", "--lab.default-wait-millis=5000",
				"--logging.level.root=WARN");
		base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
		client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		// Before the baseline: the worker image's training process has ended.
		Awaits.awaitUntil("no worker process at start", () -> ProcessHandle.current().descendants().count() == 0);
	}

	@AfterContainer
	static void stopService() {
		if (client != null) {
			client.close();
		}
		if (context != null) {
			context.close();
		}
	}

	@Property(tries = 2_000, seed = "20261125", shrinking = ShrinkingMode.OFF)
	void everyRequestShouldGetAnAnswerThatIsNotA5xx(@ForAll("requests") Fuzzed request) {
		ExperimentService experiments = context.getBean(ExperimentService.class);
		ComparisonService comparisons = context.getBean(ComparisonService.class);
		boolean comparisonActive = comparisons.active() > 0;
		long experimentsBefore = experiments.created();
		long comparisonsBefore = comparisons.created();

		HttpResponse<String> response = send(request);

		int status = response.statusCode();
		Statistics.label("status").collect(status);
		Statistics.label("method").collect(request.method());
		assertThat(status).as(request.describe()).isBetween(200, 499);
		String type = response.headers().firstValue("Content-Type").orElse(null);
		if (status >= 400 && !request.method().equals("HEAD")) {
			assertThat(type).as(request.describe()).startsWith("application/problem+json");
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.get("status").asInt()).as(request.describe()).isEqualTo(status);
			assertThat(problem.get("type").asString()).as(request.describe()).isEqualTo("about:blank");
			assertThat(problem.get("title").asString()).as(request.describe()).isNotBlank();
			assertThat(problem.get("instance").asString()).as(request.describe()).startsWith("/");
			assertThat(problem.get("detail").asString()).as(request.describe()).isNotBlank();
			assertThat(response.body()).as(request.describe())
				.doesNotContain("\tat ", "org.springframework", "org.apache", "java.lang", "tools.jackson");
		}
		if (status >= 400) {
			assertThat(comparisons.created()).as("a refused request started a comparison: " + request.describe())
				.isEqualTo(comparisonsBefore);
			if (!comparisonActive) {
				assertThat(experiments.created()).as("a refused request started a run: " + request.describe())
					.isEqualTo(experimentsBefore);
			}
		}
		OpenApiContract.of(base)
			.check(request.method(), URI.create(base + request.target()).getRawPath(), status, type, response.body());
		if (status == 201 || status == 202) {
			response.headers().firstValue("Location").ifPresent((location) -> {
				synchronized (ids) {
					ids.add(location.substring(location.lastIndexOf('/') + 1));
				}
			});
		}
	}

	@AfterProperty
	void noThreadOrProcessLeftAndHealthy() {
		LabThreads threads = context.getBean(LabThreads.class);
		for (String id : snapshot()) {
			send(new Fuzzed("DELETE", "/experiments/" + id, null, null, null));
		}
		Awaits.awaitUntil("every run ended, no lab thread or worker process left",
				() -> threads.live() == 0 && ProcessHandle.current().descendants().findAny().isEmpty()
						&& context.getBean(ComparisonService.class).active() == 0);
		HttpResponse<String> health = send(new Fuzzed("GET", "/actuator/health", null, "application/json", null));
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
	}

	private static List<String> snapshot() {
		synchronized (ids) {
			return List.copyOf(ids);
		}
	}

	private static HttpResponse<String> send(Fuzzed request) {
		HttpRequest.BodyPublisher body = (request.body() != null) ? HttpRequest.BodyPublishers.ofString(request.body())
				: HttpRequest.BodyPublishers.noBody();
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.target()))
			.timeout(Duration.ofSeconds(60))
			.method(request.method(), body);
		if (request.contentType() != null) {
			builder.header("Content-Type", request.contentType());
		}
		if (request.accept() != null) {
			builder.header("Accept", request.accept());
		}
		try {
			return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new AssertionError("no answer to " + request.describe(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * One request.
	 *
	 * @param method the method
	 * @param target path and query, percent-encoded
	 * @param contentType the Content-Type, or null
	 * @param accept the Accept, or null
	 * @param body the body, or null
	 */
	record Fuzzed(String method, String target, String contentType, String accept, String body) {

		String describe() {
			String shown = (this.body == null) ? ""
					: (this.body.length() > 300)
							? " body(" + this.body.length() + " chars): " + this.body.substring(0, 300) + "…"
							: " body: " + this.body;
			return this.method + " " + this.target + " [Content-Type " + this.contentType + ", Accept " + this.accept
					+ "]" + shown;
		}

	}

	// ---- what a hostile client sends ----

	private static final List<String> HOSTILE = List.of("' OR '1'='1", "\"; DROP TABLE experiments; --",
			"../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f", "${jndi:ldap://127.0.0.1/a}", "#{7*7}",
			"<script>alert(1)</script>", "$(touch /tmp/lab-pwned)", "`id`", "\u0000", "\u0007\u001b[31m",
			"\r\nSet-Cookie: a=b", "😀", "Ω≈ç√∫", "\uFEFF", "\u202Eevil", "a".repeat(5_000), "-1", "0",
			"99999999999999999999999", "1e309", "NaN", "null", "true", "[]", "{}", "virtual-threads", " ");

	@Provide
	Arbitrary<Fuzzed> requests() {
		Arbitrary<String> anyMethod = Arbitraries.of("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
		// Mostly the method each path has, so that most requests reach the service's own
		// checks; the rest any method on any path.
		Arbitrary<String[]> route = Arbitraries
			.frequencyOf(
					Tuple.of(30,
							Combinators.combine(Arbitraries.just("POST"), Arbitraries.just("/experiments"))
								.as(HostileInputFuzzTest::pair)),
					Tuple.of(12,
							Combinators.combine(Arbitraries.just("POST"),
									Arbitraries.just("/comparisons"))
								.as(HostileInputFuzzTest::pair)),
					Tuple.of(5,
							Combinators.combine(Arbitraries.just("POST"), presetRun()).as(HostileInputFuzzTest::pair)),
					Tuple.of(20, Combinators.combine(Arbitraries.just("GET"), path()).as(HostileInputFuzzTest::pair)),
					Tuple.of(6,
							Combinators.combine(Arbitraries.just("DELETE"), id().map((i) -> "/experiments/" + i))
								.as(HostileInputFuzzTest::pair)),
					Tuple.of(20, Combinators.combine(anyMethod, path()).as(HostileInputFuzzTest::pair)));
		Arbitrary<String> contentType = Arbitraries
			.frequencyOf(Tuple.of(60, Arbitraries.just("application/json")), Tuple.of(40,
					Arbitraries.of("application/json; charset=UTF-8", "application/json; charset=nope", "text/plain",
							"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
							"application/*", "application/problem+json", ";;", "*/*", "image/svg+xml")))
			.injectNull(0.05);
		Arbitrary<String> accept = Arbitraries.frequencyOf(Tuple.of(50, Arbitraries.just((String) null)),
				Tuple.of(20, Arbitraries.of("application/json", "*/*")),
				Tuple.of(30,
						Arbitraries.of("text/html", "application/xml", "text/csv", "image/svg+xml", "text/event-stream",
								"application/problem+json", "text/plain", "application/json;q=0", ";;;//",
								"application/json, text/csv;q=0.5", "image/*")));
		Arbitrary<String> query = query();
		return Combinators.combine(route, query, contentType, accept, body()).as((r, q, c, a, b) -> {
			String method = r[0];
			boolean bodiless = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
					|| method.equals("DELETE");
			String sent = (bodiless && b != null && b.length() > 100) ? null : b;
			return new Fuzzed(method, r[1] + q, (sent == null) ? null : c, a, sent);
		});
	}

	private static String[] pair(String method, String path) {
		return new String[] { method, path };
	}

	private Arbitrary<String> id() {
		return Arbitraries.oneOf(Arbitraries.of(HOSTILE).map(HostileInputFuzzTest::encode),
				Arbitraries.strings().ofMaxLength(40).map(HostileInputFuzzTest::encode),
				Arbitraries.just("00000000-0000-0000-0000-000000000000"), Arbitraries.of(1, 2, 3)
					.map((i) -> snapshot().isEmpty() ? "none" : snapshot().get(snapshot().size() - 1)));
	}

	private Arbitrary<String> presetRun() {
		return Arbitraries
			.oneOf(Arbitraries.of("two-threads-waiting", "five-processes-squaring", "three-coroutines"), id())
			.map((p) -> "/presets/" + p + "/run");
	}

	private Arbitrary<String> path() {
		Arbitrary<String> id = id();
		return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just("/experiments")),
				Tuple.of(10, id.map((i) -> "/experiments/" + i)),
				Tuple.of(5, id.map((i) -> "/experiments/" + i + "/tasks")),
				Tuple.of(3, id.map((i) -> "/experiments/" + i + "/events")),
				Tuple.of(3, id.map((i) -> "/experiments/" + i + "/timeline.svg")),
				Tuple.of(2, id.map((i) -> "/experiments/" + i + "/trace.json")),
				Tuple.of(1, id.map((i) -> "/comparisons/" + i + "/trace.json")),
				Tuple.of(5, Arbitraries.just("/comparisons")), Tuple.of(5, id.map((i) -> "/comparisons/" + i)),
				Tuple.of(2, id.map((i) -> "/comparisons/" + i + "/chart.svg")), Tuple.of(3, Arbitraries.just("/modes")),
				Tuple.of(3, Arbitraries.just("/workloads")), Tuple.of(3, Arbitraries.just("/presets")),
				Tuple.of(4, presetRun()), Tuple.of(3, Arbitraries.just("/machine")),
				Tuple.of(1, Arbitraries.just("/machine/calibrate")), Tuple.of(3, Arbitraries.just("/delay")),
				Tuple.of(3,
						Arbitraries.of("/error", "/", "/nope", "/experiments/", "/EXPERIMENTS", "/experiments;x=1",
								"/v3/api-docs/../../x", "/actuator/env", "/actuator/heapdump", "/actuator/shutdown")),
				Tuple.of(3, id.map((i) -> "/" + i)));
	}

	private Arbitrary<String> query() {
		Arbitrary<String> name = Arbitraries.of("waitMillis", "status", "mode", "page", "size", "offset", "limit",
				"millis", "x", "tasks");
		Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of(HOSTILE), Arbitraries.longs().map(Object::toString),
				Arbitraries.of("0", "1", "5", "100", "-1", "600001"),
				Arbitraries.of("RUNNING", "SUCCEEDED", "virtual-threads", "process-pool"));
		return Combinators.combine(name, value)
			.as((n, v) -> n + "=" + encode(v))
			.list()
			.ofMaxSize(4)
			.map((pairs) -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
	}

	private Arbitrary<String> body() {
		Arbitrary<String> valid = Arbitraries.of(validBodies());
		Arbitrary<String> mutated = Combinators.combine(valid, mutation(), mutation())
			.as((b, first, second) -> second.apply(first.apply(b)));
		return Arbitraries.frequencyOf(Tuple.of(15, valid), Tuple.of(55, mutated),
				Tuple.of(10, Arbitraries.strings().ofMaxLength(200)), Tuple.of(5, Arbitraries.of(HOSTILE)),
				Tuple.of(3, Arbitraries.of(1_000_000, 70_000).map(HostileInputFuzzTest::bigBody)),
				Tuple.of(4, Arbitraries.integers().between(10, 3_000).map(HostileInputFuzzTest::deep)),
				Tuple.of(8, Arbitraries.just((String) null)));
	}

	private static List<String> validBodies() {
		List<String> modes = List.of("sequential", "platform-threads", "virtual-threads", "fork-join", "async",
				"reactive", "processes", "process-pool", "event-loop", "gil-threads");
		List<String> workloads = List.of("{\"type\":\"sleep\",\"millis\":5}", "{\"type\":\"cpu\",\"iterations\":10000}",
				"{\"type\":\"mixed\",\"millis\":2,\"iterations\":1000}", "{\"type\":\"http\",\"millis\":3}",
				"{\"type\":\"sleep\",\"millis\":1,\"steps\":2}");
		List<String> bodies = new ArrayList<>();
		for (String mode : modes) {
			for (String workload : workloads) {
				bodies.add("{\"mode\":\"" + mode + "\",\"workload\":" + workload + ",\"tasks\":3}");
			}
		}
		bodies.add("{\"modes\":[\"sequential\",\"virtual-threads\"],\"workload\":{\"type\":\"sleep\",\"millis\":2},"
				+ "\"tasks\":2,\"repeats\":1}");
		bodies.add("{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"db\",\"millis\":2,\"poolSize\":2,"
				+ "\"connectionTimeoutMillis\":1000},\"tasks\":3}");
		bodies.add("{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"lock\",\"lock\":\"fair\","
				+ "\"holdMillis\":1},\"tasks\":3}");
		bodies.add("{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"steps\",\"steps\":[{\"wait\":1},"
				+ "{\"cpu\":1000},{\"db\":1},{\"lock\":1},{\"file\":4}],\"poolSize\":2},\"tasks\":3}");
		bodies.add("{\"mode\":\"processes\",\"workload\":{\"type\":\"file\",\"op\":\"write\",\"sizeKiB\":4},"
				+ "\"tasks\":2}");
		bodies.add("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":2},\"arrival\":"
				+ "{\"ratePerSecond\":100,\"durationMillis\":50,\"distribution\":\"poisson\",\"maxQueueMillis\":10,"
				+ "\"seed\":7}}");
		bodies.add("{\"modes\":[\"platform-threads\",\"virtual-threads\"],\"workload\":{\"type\":\"sleep\","
				+ "\"millis\":2},\"arrival\":{\"ratePerSecond\":100,\"durationMillis\":30},\"concurrencyByMode\":"
				+ "{\"platform-threads\":1},\"repeats\":1}");
		bodies.add("{\"modes\":[\"platform-threads\",\"async\"],\"workload\":{\"type\":\"cpu\",\"iterations\":1000},"
				+ "\"tasks\":2,\"repeats\":1}");
		return bodies;
	}

	private static final List<String> REPLACEMENTS = List.of("\"x\"", "-1", "0", "1.5", "1e30",
			"99999999999999999999999999", "-9223372036854775808", "9223372036854775807", "2147483648", "null", "true",
			"[]", "{}", "[1,2,3]", "{\"type\":\"sleep\"}", "\"\\u0000\\u0007\"", "\"😀😀\"", "\"' OR 1=1 --\"",
			"\"../../etc/passwd\"", "\"" + "a".repeat(300) + "\"");

	private Arbitrary<UnaryOperator<String>> mutation() {
		Arbitrary<UnaryOperator<String>> replaceValue = Combinators
			.combine(
					Arbitraries.of("mode", "type", "millis", "iterations", "tasks", "concurrency", "steps", "repeats",
							"modes", "workload", "timeoutMillis", "label", "isolation", "poolSize",
							"connectionTimeoutMillis", "lock", "holdMillis", "arrival", "ratePerSecond",
							"durationMillis", "distribution", "maxQueueMillis", "seed", "concurrencyByMode",
							"platform-threads", "op", "sizeKiB", "wait", "cpu", "db", "file"),
					Arbitraries.of(REPLACEMENTS))
			.as((field, replacement) -> (body) -> replaceField(body, field, replacement));
		Arbitrary<UnaryOperator<String>> addField = Combinators
			.combine(Arbitraries.of("unknown", "Mode", "__proto__", "constructor", "label", "isolation",
					"timeoutMillis", "concurrency", "mode"), Arbitraries.of(REPLACEMENTS))
			.as((field, value) -> (body) -> body.replaceFirst("^\\{", "{\"" + field + "\":" + value + ","));
		Arbitrary<UnaryOperator<String>> cut = Arbitraries.integers()
			.between(0, 60)
			.map((n) -> (body) -> body.substring(0, Math.min(n, body.length())));
		Arbitrary<UnaryOperator<String>> same = Arbitraries.just((body) -> body);
		return Arbitraries.frequencyOf(Tuple.of(50, replaceValue), Tuple.of(20, addField), Tuple.of(10, cut),
				Tuple.of(20, same));
	}

	/** Replaces the value of the first occurrence of {@code "field":}, if any. */
	private static String replaceField(String body, String field, String replacement) {
		String key = "\"" + field + "\":";
		int at = body.indexOf(key);
		if (at < 0) {
			return body;
		}
		int start = at + key.length();
		int end = start;
		int depth = 0;
		boolean inString = false;
		while (end < body.length()) {
			char c = body.charAt(end);
			if (inString) {
				if (c == '\\') {
					end++;
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
			}
			else if (c == '{' || c == '[') {
				depth++;
			}
			else if (c == '}' || c == ']') {
				if (depth == 0) {
					break;
				}
				depth--;
			}
			else if (c == ',' && depth == 0) {
				break;
			}
			end++;
		}
		return body.substring(0, start) + replacement + body.substring(end);
	}

	private static String deep(int depth) {
		return "{\"mode\":\"virtual-threads\",\"workload\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}";
	}

	private static String bigBody(int size) {
		return "{\"mode\":\"virtual-threads\",\"label\":\"" + "x".repeat(size) + "\",\"workload\":{\"type\":\"sleep\","
				+ "\"millis\":1}}";
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

}
