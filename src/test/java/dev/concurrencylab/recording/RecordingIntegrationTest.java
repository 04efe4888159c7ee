package dev.concurrencylab.recording;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code "record": true}: a JFR recording of the run's window, its summary filtered to
 * the run's own threads, the files to download (worker JVMs' too), the pin preset's pins
 * in the summary and the trace, and every recording closed and its files deleted when
 * they are no longer kept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "lab.recording.retained=2", "lab.recording.max-workers=2" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingIntegrationTest {

	@LocalServerPort
	private int port;

	private LabHttp http;

	private HttpClient client;

	@BeforeAll
	void clients() {
		this.http = new LabHttp(this.port);
		this.client = HttpClient.newHttpClient();
	}

	@AfterAll
	void closeClients() {
		this.http.close();
		this.client.close();
	}

	@Test
	void thePinPresetShouldRecordEachPinWithItsClassInitializerFrameInTheSummaryAndTheTrace(@TempDir Path downloads)
			throws Exception {
		JsonNode experiment = this.http.post("/presets/what-still-pins/run?waitMillis=60000", "")
			.json()
			.get("experiment");
		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode jfr = experiment.get("jfr");
		assertThat(jfr.get("status").asString()).isEqualTo("RECORDED");
		JsonNode pinned = jfr.get("summary").get("pinned");
		// One pin per task, each sleeping inside a class initializer of its own; a
		// first run may add a short one while a class loads (a native frame on the
		// stack: "Freeze or preempt failed").
		assertThat(pinned.get("count").asLong()).isGreaterThanOrEqualTo(8);
		JsonNode sleeps = pinned.get("reasons").get(0);
		assertThat(sleeps.get("count").asLong()).isEqualTo(8);
		assertThat(sleeps.get("frame").asString()).contains("ClassInitializerWait$Sleeper.<clinit>");
		assertThat(sleeps.get("reason").asString()).contains("<clinit>");

		// The file is a real recording holding those pins.
		Path file = download(experiment.get("links").get("recording").asString(), downloads.resolve("pins.jfr"));
		assertThat(events(file, "jdk.VirtualThreadPinned")).hasSizeGreaterThanOrEqualTo(8);
		assertNothingPrivate(file);
		assertThat(jfr.get("files").get(0).get("bytes").asLong()).isEqualTo(Files.size(file));

		// The trace has them on the virtual threads' tracks.
		JsonNode trace = this.http.get(experiment.get("links").get("trace").asString()).json();
		List<JsonNode> pins = new ArrayList<>();
		trace.get("traceEvents").forEach((event) -> {
			if ("jfr".equals(event.path("cat").asString("")) && event.get("ph").asString().equals("b")) {
				pins.add(event);
			}
		});
		assertThat(pins).hasSize(pinned.get("count").asInt())
			.filteredOn((pin) -> pin.get("args").get("frame").asString().contains("Sleeper.<clinit>"))
			.hasSize(8);
		assertNoRecordingLeftOpen();
	}

	@Test
	void aProcessModeShouldOfferTheRecordingsOfItsFirstWorkerJvms(@TempDir Path downloads) throws Exception {
		JsonNode experiment = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"processes\",\"workload\":{\"type\":\"cpu\",\"iterations\":1000000},\"tasks\":3,"
							+ "\"concurrency\":1,\"record\":true}")
			.json();
		// The workers started with their recording and still said READY first.
		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode jfr = experiment.get("jfr");
		assertThat(jfr.get("workersRecorded").asInt()).isEqualTo(2);
		assertThat(jfr.get("workersNotRecorded").asInt()).isEqualTo(1);
		List<String> names = new ArrayList<>();
		jfr.get("files").forEach((f) -> names.add(f.get("name").asString()));
		assertThat(names).hasSize(3).first().isEqualTo("recording.jfr");
		for (JsonNode worker : jfr.get("files")) {
			if (worker.get("name").asString().startsWith("worker-")) {
				Path file = download(worker.get("href").asString(), downloads.resolve(worker.get("name").asString()));
				assertThat(events(file, "jdk.CPUInformation")).hasSize(1);
				assertNothingPrivate(file);
			}
		}
		assertThat(jfr.get("note").asString()).contains("1 worker JVMs past lab.recording.max-workers (2)");
		assertNoRecordingLeftOpen();
	}

	@Test
	void aTenThousandTaskRecordingShouldStayUnderEightMegabytes() {
		JsonNode experiment = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":20},"
							+ "\"tasks\":10000,\"record\":true}")
			.json();

		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode summary = experiment.get("jfr").get("summary");
		// 0.6 MB measured: the JDK's default settings record no event per virtual thread.
		assertThat(summary.get("recordingBytes").asLong()).isPositive().isLessThan(8L * 1024 * 1024);
		assertThat(summary.get("pinned").get("count").asLong()).isZero();
		assertNoRecordingLeftOpen();
	}

	@Test
	void aRecordingShouldBeRefusedWhileItRunsAndWhereThereIsNone() {
		String location = this.http
			.post("/experiments?waitMillis=0",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":2,"
							+ "\"record\":true}")
			.header("Location");
		this.http.awaitInFlight(location);
		LabHttp.Answer running = this.http.get(location + "/recording.jfr");
		assertThat(running.status()).isEqualTo(409);
		assertThat(running.json().get("detail").asString()).contains("still running");
		assertThat(this.http.get(location).json().get("jfr").get("status").asString()).isEqualTo("RECORDING");
		this.http.delete(location);
		JsonNode cancelled = this.http.awaitFinished(location);
		assertThat(cancelled.get("jfr").get("status").asString()).isEqualTo("RECORDED");

		String plain = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":2}")
			.header("Location");
		LabHttp.Answer none = this.http.get(plain + "/recording.jfr");
		assertThat(none.status()).isEqualTo(404);
		assertThat(none.json().get("detail").asString()).contains("\"record\": true");
		assertThat(this.http.get(location + "/recordings/..%2e").status()).isEqualTo(404);
		assertThat(this.http.get(location + "/recordings/other.jfr").json().get("detail").asString())
			.contains("`jfr.files` lists those it has");
		assertNoRecordingLeftOpen();
	}

	@Test
	void onlyTheNewestRecordingsShouldKeepTheirFiles() {
		List<JsonNode> runs = new ArrayList<>();
		for (int run = 0; run < 3; run++) {
			runs.add(this.http
				.post("/experiments?waitMillis=60000",
						"{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":2,"
								+ "\"record\":true}")
				.json());
		}
		String oldest = runs.get(0).get("links").get("self").asString();
		JsonNode first = this.http.get(oldest).json().get("jfr");
		assertThat(first.get("status").asString()).isEqualTo("DELETED");
		assertThat(first.get("files")).isEmpty();
		assertThat(first.get("summary").get("pinned").get("count").asLong()).isZero();
		LabHttp.Answer gone = this.http.get(oldest + "/recording.jfr");
		assertThat(gone.status()).isEqualTo(404);
		assertThat(gone.json().get("detail").asString()).contains("lab.recording.retained");
		String newest = runs.get(2).get("links").get("self").asString();
		assertThat(this.http.get(newest).json().get("jfr").get("files")).hasSize(1);
		assertNoRecordingLeftOpen();
	}

	/**
	 * JEP 491 (JDK 24): a virtual thread that waits inside {@code synchronized}, or
	 * blocks to enter one, unmounts from its carrier; before it, each was a pin.
	 */
	@Test
	void waitingInsideSynchronizedShouldNotPinAVirtualThreadOnThisJdk() {
		JsonNode experiment = this.http
			.post("/experiments?waitMillis=60000",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"lock\",\"lock\":\"synchronized\","
							+ "\"holdMillis\":20},\"tasks\":8,\"record\":true}")
			.json();

		assertThat(experiment.get("status").asString()).isEqualTo("SUCCEEDED");
		// The tasks took turns: the later ones waited for the monitor.
		assertThat(experiment.get("summary").get("phases").get("totalMillis").get("lockWait").asDouble())
			.isGreaterThan(0);
		JsonNode pinned = experiment.get("jfr").get("summary").get("pinned");
		List<String> causes = new ArrayList<>();
		pinned.get("reasons").forEach((reason) -> causes.add(reason.toString()));
		assertThat(causes).noneMatch((cause) -> cause.contains("BlockingWork") || cause.contains("onitor"));
		assertNoRecordingLeftOpen();
	}

	@Test
	void aLockWorkloadShouldBeRefusedWhereNoThreadBlocksOrOutsideThisJvm() {
		for (String mode : List.of("event-loop", "async", "reactive", "processes", "process-pool")) {
			LabHttp.Answer refused = this.http.post("/experiments",
					"{\"mode\":\"" + mode + "\",\"workload\":{\"type\":\"lock\",\"holdMillis\":1}}");
			assertThat(refused.status()).as(mode).isEqualTo(400);
			assertThat(refused.body()).as(mode).contains("workload.type").contains("platform-threads");
		}
		assertThat(this.http
			.post("/experiments", "{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"lock\",\"holdMillis\":-1}}")
			.body()).contains("workload.holdMillis");
		assertThat(this.http
			.post("/experiments", "{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"lock\",\"lock\":\"spin\"}}")
			.status()).isEqualTo(400);
	}

	@Test
	void aSleepInAClassInitializerShouldBeRefusedWhereNoThreadBlocks() {
		LabHttp.Answer loop = this.http.post("/experiments",
				"{\"mode\":\"event-loop\",\"workload\":{\"type\":\"sleep\",\"millis\":1,\"in\":\"class-initializer\"}}");
		assertThat(loop.status()).isEqualTo(400);
		assertThat(loop.body()).contains("workload.in").contains("virtual-threads");
		LabHttp.Answer many = this.http.post("/experiments", "{\"mode\":\"virtual-threads\",\"tasks\":20000,"
				+ "\"workload\":{\"type\":\"sleep\",\"millis\":1,\"in\":\"class-initializer\"}}");
		assertThat(many.status()).isEqualTo(400);
		assertThat(many.body()).contains("at most 10,000 waits");
		LabHttp.Answer unknown = this.http.post("/experiments",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1,\"in\":\"nowhere\"}}");
		assertThat(unknown.status()).isEqualTo(400);
	}

	private Path download(String path, Path target) throws IOException, InterruptedException {
		HttpResponse<Path> answer = this.client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofFile(target));
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/vnd.jdk.jfr");
		return answer.body();
	}

	private static List<RecordedEvent> events(Path file, String type) throws IOException {
		return RecordingFile.readAllEvents(file)
			.stream()
			.filter((event) -> event.getEventType().getName().equals(type))
			.toList();
	}

	/**
	 * Only the events of the lab's allowlist: no environment variable, system property,
	 * command line, process list, file or socket event, thread dump — nothing of the
	 * service's configuration or of other clients reaches whoever downloads a recording.
	 */
	private static void assertNothingPrivate(Path file) throws IOException {
		try (RecordingFile recording = new RecordingFile(file)) {
			assertThat(recording.readEventTypes()).isNotEmpty();
			Set<String> recorded = new HashSet<>();
			while (recording.hasMoreEvents()) {
				recorded.add(recording.readEvent().getEventType().getName());
			}
			assertThat(recorded).isNotEmpty().isSubsetOf(RunRecording.EVENTS);
		}
	}

	/**
	 * Every experiment's recording has been stopped and closed by the time it is done.
	 */
	private static void assertNoRecordingLeftOpen() {
		Awaits.awaitUntil("every experiment's recording closed", () -> labRecordings().findAny().isEmpty());
	}

	private static Stream<Recording> labRecordings() {
		return FlightRecorder.getFlightRecorder()
			.getRecordings()
			.stream()
			.filter((recording) -> recording.getName().startsWith("lab-experiment-"));
	}

}
