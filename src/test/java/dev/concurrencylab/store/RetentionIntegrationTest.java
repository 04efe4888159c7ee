package dev.concurrencylab.store;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention in the store: finished experiments beyond the count are deleted, oldest
 * first, from the store and from memory; a running one never is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "lab.store.replica-id=retention-test", "lab.store.max-experiments=2" })
class RetentionIntegrationTest {

	@LocalServerPort
	int port;

	@Test
	void theOldestFinishedExperimentsShouldGoAndARunningOneStay() {
		try (LabHttp http = new LabHttp(this.port)) {
			String running = http
				.post("/experiments?waitMillis=0",
						"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":2}")
				.header("Location");
			http.awaitInFlight(running);
			List<String> finished = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				LabHttp.Answer answer = http.post("/experiments",
						"{\"mode\":\"sequential\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":2}");
				assertThat(answer.status()).isEqualTo(201);
				finished.add(answer.header("Location"));
			}
			// The last write lands after its answer: wait for the store to hold it.
			JsonNode listed = Awaits.awaitValue("the newest two finished and the running one listed", Awaits.PATIENCE,
					() -> http.get("/experiments?size=100").json(),
					(list) -> list.get("total").asInt() == 3 && list.get("items")
						.valueStream()
						.anyMatch((item) -> finished.get(3).endsWith(item.get("id").asString())));
			assertThat(listed.get("items").valueStream().map((item) -> "/experiments/" + item.get("id").asString()))
				.containsExactlyInAnyOrder(running, finished.get(2), finished.get(3));
			assertThat(http.get(finished.get(0)).status()).isEqualTo(404);
			assertThat(http.get(finished.get(1)).status()).isEqualTo(404);
			assertThat(http.get(finished.get(3) + "/tasks?limit=10").status()).isEqualTo(200);
			assertThat(http.get(running).json().get("status").asString()).isEqualTo("RUNNING");
			assertThat(http.delete(running).status()).isEqualTo(202);
			http.awaitFinished(running);
		}
	}

}
