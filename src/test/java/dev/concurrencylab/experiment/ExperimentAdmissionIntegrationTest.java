package dev.concurrencylab.experiment;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/** With two experiments allowed at once, a third is refused with 429 and Retry-After. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "lab.max-running-experiments=2")
class ExperimentAdmissionIntegrationTest {

	private static final String LONG_WAIT = "{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":30000},\"tasks\":3}";

	@LocalServerPort
	private int port;

	@Test
	void aThirdRunningExperimentShouldBeRefusedWith429() {
		try (LabHttp http = new LabHttp(this.port)) {
			List<String> running = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				LabHttp.Answer answer = http.post("/experiments?waitMillis=0", LONG_WAIT);
				assertThat(answer.status()).isEqualTo(202);
				running.add(answer.header("Location"));
			}
			// Precondition: both really run (their tasks are in flight) when the third
			// arrives.
			for (String location : running) {
				assertThat(http.awaitInFlight(location).get("status").asString()).isEqualTo("RUNNING");
			}

			double refusedBefore = refusedCount(http);
			LabHttp.Answer refused = http.post("/experiments?waitMillis=0", LONG_WAIT);

			assertThat(refused.status()).isEqualTo(429);
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
			assertThat(refused.json().get("detail").asString()).contains("2 experiments are running");
			assertThat(refused.json().get("type").asString()).isEqualTo("about:blank");
			assertThat(refused.json().get("title").asString()).isEqualTo("Too Many Requests");
			assertThat(refused.json().get("status").asInt()).isEqualTo(429);
			assertThat(refused.json().get("instance").asString()).isEqualTo("/experiments");
			// A full service answers before it reads the body: not even an invalid one is
			// parsed.
			LabHttp.Answer invalid = http.post("/experiments", "{\"mode\":\"no-such-mode\"");
			assertThat(invalid.status()).isEqualTo(429);
			assertThat(invalid.body()).isEqualTo(refused.body());
			assertThat(refusedCount(http)).isEqualTo(refusedBefore + 2);
			for (String location : running) {
				assertThat(http.delete(location).status()).isEqualTo(202);
				assertThat(http.awaitFinished(location).get("status").asString()).isEqualTo("CANCELLED");
			}
			assertThat(http.post("/experiments?waitMillis=0", LONG_WAIT.replace("30000", "1")).status()).isIn(201, 202);
		}
	}

	private static double refusedCount(LabHttp http) {
		return http.get("/actuator/metrics/lab.experiments.refused")
			.json()
			.get("measurements")
			.get(0)
			.get("value")
			.asDouble();
	}

	@Test
	void tinyExperimentsShouldStartNoPlatformThreadOfTheirOwn() {
		String tiny = "{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":0},\"tasks\":10}";
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try (LabHttp http = new LabHttp(this.port)) {
			assertThat(http.post("/experiments", tiny).status()).isEqualTo(201);
			long before = threads.getTotalStartedThreadCount();
			for (int i = 0; i < 20; i++) {
				LabHttp.Answer answer = http.post("/experiments", tiny);
				assertThat(answer.status()).isEqualTo(201);
				assertThat(answer.json().get("summary").get("succeeded").asInt()).isEqualTo(10);
			}
			// Conductor threads are pooled, the tasks' threads are virtual: 20
			// experiments
			// in a row start at most a stray platform thread or two, not one each.
			assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(5);
		}
	}

}
