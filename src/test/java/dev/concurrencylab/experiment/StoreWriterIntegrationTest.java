package dev.concurrencylab.experiment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.concurrencylab.LabHttp;

import static dev.concurrencylab.Awaits.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store writer writes behind the answers; a read of the store waits for the writes
 * queued before it, so it sees every experiment already answered, however far behind the
 * writer is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreWriterIntegrationTest {

	@LocalServerPort
	private int port;

	@Autowired
	private StoreWriter writer;

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
	void listsAndHistoryShouldShowAnExperimentAnsweredWhileTheWriterWasBehind() throws Exception {
		CountDownLatch release = holdTheWriter();
		CompletableFuture<JsonNode> list;
		CompletableFuture<JsonNode> history;
		String id;
		try {
			LabHttp.Answer answered = this.http.post("/experiments",
					"{\"mode\":\"sequential\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":2,"
							+ "\"label\":\"written-behind\"}");
			assertThat(answered.status()).isEqualTo(201);
			id = answered.json().get("id").asString();
			// Answered, and not yet in the store: the writer is still on the write
			// before.
			assertThat(release.getCount()).isOne();
			list = CompletableFuture.supplyAsync(() -> this.http.get("/experiments?mode=sequential&size=100").json());
			history = CompletableFuture
				.supplyAsync(() -> this.http.get("/history?workload=sleep&mode=sequential&size=100").json());
			// Both reads wait for the writer, which cannot have written the experiment
			// yet.
			awaitUntil("the list and the history waiting for the writer", () -> this.writer.waitingReads() == 2);
			assertThat(list).isNotDone();
			assertThat(history).isNotDone();
		}
		finally {
			release.countDown();
		}
		assertThat(list.get().get("items").valueStream().map((item) -> item.get("id").asString())).contains(id);
		assertThat(history.get().get("items").valueStream().map((item) -> item.get("id").asString())).contains(id);
	}

	@Test
	void aFinishedWriteRolledBackWithItsBatchShouldStillInsertTheExperiment() throws Exception {
		CountDownLatch release = holdTheWriter();
		String id;
		try {
			String location = this.http
				.post("/experiments?waitMillis=0",
						"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},"
								+ "\"tasks\":2,\"label\":\"rolled-back\"}")
				.header("Location");
			id = location.substring(location.lastIndexOf('/') + 1);
			// Its accepted write opens a batch that these fill, and its finished write
			// goes in the next, with a write that fails: that batch rolls back.
			for (int i = 1; i < StoreWriter.BATCH; i++) {
				this.writer.submit("nothing", () -> {
				});
			}
			this.http.delete(location);
			assertThat(this.http.awaitFinished(location).get("status").asString()).isEqualTo("CANCELLED");
			// Its ended and finished writes queued behind those: nothing else is queued.
			awaitUntil("accepted, the rest of the first batch, ended and finished queued",
					() -> this.writer.queued() == StoreWriter.BATCH + 2);
			this.writer.submit("a write that fails", () -> {
				throw new IllegalStateException("a write that fails, on purpose");
			});
		}
		finally {
			release.countDown();
		}
		JsonNode list = this.http.get("/experiments?status=CANCELLED&size=100").json();
		assertThat(list.get("items").valueStream().map((item) -> item.get("id").asString())).contains(id);
	}

	/**
	 * Gives the writer a write that holds it until the latch answered is counted down;
	 * returns once the writer is on it.
	 */
	private CountDownLatch holdTheWriter() {
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.writer.submit("a write that holds the writer", () -> {
			held.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			awaitUntil("the writer held", () -> held.getCount() == 0);
		}
		catch (RuntimeException | Error ex) {
			release.countDown();
			throw ex;
		}
		return release;
	}

}
