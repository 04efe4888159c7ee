package dev.concurrencylab.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * History, baseline vs contender and exports, over the stored results of real
 * comparisons.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "lab.store.replica-id=history-test") // a context, and a store, of
															// its own
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryIntegrationTest {

	private static final String COMPARISON = "{\"workload\": {\"type\": \"sleep\", \"millis\": 50}, \"tasks\": 8, "
			+ "\"modes\": [\"platform-threads\"], \"concurrency\": 8, \"repeats\": 5%s}";

	@LocalServerPort
	int port;

	@Test
	void theSameComparisonTwiceShouldShowNoDifferenceAndAQuarterOfTheThreadsTheSlowdown() {
		try (LabHttp http = new LabHttp(this.port)) {
			compare(http, ""); // warms the mode up; not compared
			String baseline = compare(http, "");
			String again = compare(http, "");
			String quarter = compare(http, ", \"concurrencyByMode\": {\"platform-threads\": 2}");

			JsonNode same = http.get("/history/compare?baseline=" + baseline + "&contender=" + again).json();
			JsonNode mode = same.get("modes").get(0);
			assertThat(mode.get("mode").asString()).isEqualTo("platform-threads");
			assertThat(mode.get("baseline").size()).isEqualTo(5);
			assertThat(mode.get("verdict").asString()).as(mode.get("explanation").asString())
				.isEqualTo("NO_SIGNIFICANT_DIFFERENCE");
			assertThat(same.get("verdict").asString()).startsWith("No significant difference");

			JsonNode slower = http.get("/history/compare?baseline=" + baseline + "&contender=" + quarter).json();
			JsonNode change = slower.get("modes").get(0);
			assertThat(change.get("verdict").asString()).as(change.get("explanation").asString()).isEqualTo("SLOWER");
			// 8 waits of 50 ms on 8 threads take one wait, on 2 threads four: +150 ms.
			assertThat(change.get("shiftLow").asDouble()).isGreaterThan(100);
			assertThat(change.get("shiftHigh").asDouble()).isLessThan(200);
			assertThat(change.get("mannWhitneyP").asDouble()).isLessThan(0.05);
			assertThat(change.get("confidence").asDouble()).isGreaterThanOrEqualTo(0.95);
			assertThat(change.get("explanation").asString()).contains("slower").contains("95 % CI");

			JsonNode history = http.get("/history?workload=sleep&mode=platform-threads&tasks=8&size=100").json();
			assertThat(history.get("total").asInt()).isEqualTo(20);
			String fingerprint = history.get("items").get(0).get("fingerprint").asString();
			assertThat(history.get("fingerprints").get(fingerprint).asString()).contains("cores");
			assertThat(http.get("/history?fingerprint=" + fingerprint + "&size=1").json().get("total").asInt())
				.isEqualTo(20);
			assertThat(http.get("/history?fingerprint=0000000000000000").json().get("total").asInt()).isZero();
			JsonNode current = http.get("/fingerprints/current").json();
			assertThat(current.get("id").asString()).isEqualTo(fingerprint);
			assertThat(current.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
			assertThat(current.get("jdkVersion").asString()).isEqualTo(Runtime.version().toString());
			assertThat(http.get("/fingerprints/" + fingerprint).json()).isEqualTo(current);
			assertThat(http.get("/fingerprints/nope").status()).isEqualTo(404);
			assertThat(http.post("/experiments", "{}").header("X-Lab-Replica")).isEqualTo("history-test");

			exportsShouldCarryTheRuns(http, baseline);
		}
	}

	private void exportsShouldCarryTheRuns(LabHttp http, String comparison) {
		JsonNode jmh = http.get("/comparisons/" + comparison + "/export?format=jmh").json();
		assertThat(jmh.size()).isEqualTo(1);
		JsonNode benchmark = jmh.get(0);
		assertThat(benchmark.get("benchmark").asString()).isEqualTo("concurrencylab.sleep.platform-threads");
		assertThat(benchmark.get("mode").asString()).isEqualTo("ss");
		assertThat(benchmark.get("params").get("millis").asString()).isEqualTo("50");
		JsonNode primary = benchmark.get("primaryMetric");
		assertThat(primary.get("rawData").get(0).size()).isEqualTo(5);
		assertThat(primary.get("scoreUnit").asString()).isEqualTo("ms/op");
		assertThat(primary.get("score").asDouble()).isBetween(50.0, 100.0);
		assertThat(primary.get("scoreConfidence").get(0).asDouble()).isLessThan(primary.get("score").asDouble());
		assertThat(primary.get("scorePercentiles").get("100.0").asDouble())
			.isGreaterThanOrEqualTo(primary.get("scorePercentiles").get("0.0").asDouble());

		JsonNode bencher = http.get("/comparisons/" + comparison + "/export?format=bencher").json();
		JsonNode latency = bencher.get("concurrencylab.sleep.platform-threads").get("latency");
		assertThat(latency.get("value").asDouble()).isBetween(50e6, 100e6);
		assertThat(latency.get("lower_value").asDouble()).isLessThanOrEqualTo(latency.get("value").asDouble());

		String csv = http.getAccepting("/comparisons/" + comparison + "/export?format=csv", "text/csv").body();
		assertThat(csv.lines()).hasSize(2).first().isEqualTo("command,mean,stddev,median,min,max,runs,relative");
		String markdown = http.getAccepting("/comparisons/" + comparison + "/export?format=markdown", "text/markdown")
			.body();
		assertThat(markdown).contains("| `platform-threads` |").contains("| 5 | 1.00 |");
	}

	@Test
	void badQueriesShouldBeProblemsThatSayWhy() {
		try (LabHttp http = new LabHttp(this.port)) {
			LabHttp.Answer unknown = http.get("/history/compare?baseline=nope&contender=nope");
			assertThat(unknown.status()).isEqualTo(400);
			assertThat(unknown.json().get("errors").get(0).get("message").asString())
				.contains("names no stored comparison or experiment: nope");
			assertThat(http.get("/history/compare?contender=x").status()).isEqualTo(400);
			assertThat(http.get("/history?mode=bogus").status()).isEqualTo(400);
			assertThat(http.get("/history?workload=bogus").status()).isEqualTo(400);
			assertThat(http.get("/history?tasks=0").status()).isEqualTo(400);
			String id = http.post("/comparisons", COMPARISON.formatted("").replace("\"repeats\": 5", "\"repeats\": 1"))
				.json()
				.get("id")
				.asString();
			assertThat(http.get("/comparisons/" + id + "/export?format=xml").status()).isEqualTo(400);
			assertThat(http.get("/history/compare?baseline=" + id + "&contender=" + id + "&figure=cpu").status())
				.isEqualTo(400);
			JsonNode tooFew = http.get("/history/compare?baseline=" + id + "&contender=" + id).json();
			assertThat(tooFew.get("modes").get(0).get("verdict").asString()).isEqualTo("TOO_FEW_RUNS");
			assertThat(http.get("/comparisons/nope/export").status()).isEqualTo(404);
		}
	}

	private static String compare(LabHttp http, String extra) {
		LabHttp.Answer answer = http.post("/comparisons", COMPARISON.formatted(extra));
		assertThat(answer.status()).as(answer.body()).isEqualTo(201);
		assertThat(answer.json().get("status").asString()).isEqualTo("SUCCEEDED");
		return answer.json().get("id").asString();
	}

}
