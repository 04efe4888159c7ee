package dev.concurrencylab.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.LabHttp;

import static dev.concurrencylab.Awaits.awaitUntil;
import static dev.concurrencylab.Awaits.awaitValue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-Sent-Event streams against the real server: a client that stops reading delays
 * no other stream and is dropped, and no sender thread outlives its stream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressStreamsIntegrationTest {

	/**
	 * A small socket send buffer on the server: with the kernel's default (autotuned to
	 * hundreds of KB) a client that reads nothing takes minutes of 120-byte progress
	 * events to block the server's write; with this one, seconds.
	 */
	@TestConfiguration
	static class SmallSendBuffer {

		@Bean
		TomcatConnectorCustomizer smallSendBuffer() {
			return (connector) -> connector.setProperty("socket.txBufSize", "1024");
		}

	}

	@LocalServerPort
	private int port;

	@Autowired
	private ProgressStreams streams;

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
	void aClientThatStopsReadingShouldDelayNoOtherStreamAndBeDropped() throws Exception {
		String stalledLocation = startSleeping(60_000, 1);
		String stalledId = idOf(stalledLocation);
		long droppedBefore = this.streams.dropped();
		try (Socket stalled = new Socket()) {
			// A small receive window, and a client that sends its request and never
			// reads: once the buffers are full, the server's write to it blocks.
			stalled.setReceiveBufferSize(1024);
			stalled.connect(new InetSocketAddress("127.0.0.1", this.port));
			OutputStream request = stalled.getOutputStream();
			request.write(("GET " + stalledLocation + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
					+ "Accept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			request.flush();

			// Precondition: the stalled stream's sender is inside a send that does not
			// return (a send to a reading client takes microseconds), parked in the
			// write.
			ProgressStreams.StreamState blocked = awaitValue("the stalled stream's send blocked", Duration.ofMinutes(1),
					() -> stateOf(stalledId),
					(state) -> state != null && state.sending().compareTo(Duration.ofSeconds(1)) > 0
							&& state.sender().getState() != Thread.State.RUNNABLE);
			Thread stalledSender = blocked.sender();
			long stalledSentBefore = blocked.progressSent();
			assertThat(stalledSentBefore).as("events sent before the buffers filled").isPositive();

			// Meanwhile a second client watches another experiment and reads normally.
			String normalLocation = startSleeping(2_000, 10);
			List<String> normal = new CopyOnWriteArrayList<>();
			Thread reader = Thread.ofVirtual().start(() -> readEvents(normalLocation, normal));
			try {
				awaitUntil("10 progress events on the normal stream", () -> count(normal, "progress") >= 10);
				ProgressStreams.StreamState stalledNow = stateOf(stalledId);
				// A stream dropped in the meantime was dropped by a failed send: it sent
				// nothing more either.
				long stalledSentDuring = (stalledNow != null) ? stalledNow.progressSent() - stalledSentBefore : 0;
				assertThat(count(normal, "progress")).isGreaterThanOrEqualTo(10);
				assertThat(stalledSentDuring).as("progress events sent to the stalled client meanwhile").isZero();

				awaitUntil("the normal stream's end", () -> !reader.isAlive());
			}
			finally {
				reader.interrupt();
			}
			assertThat(count(normal, "finished")).isEqualTo(1);
			assertThat(normal.get(normal.size() - 1)).isEqualTo("finished");

			// The stalled client is dropped: its write times out, its stream is gone and
			// its sender has ended, while its experiment still runs.
			awaitUntil("the stalled stream dropped and its sender ended",
					() -> stateOf(stalledId) == null && !stalledSender.isAlive());
			assertThat(this.streams.dropped()).isGreaterThan(droppedBefore);
			assertThat(this.http.get(stalledLocation).json().get("status").asString()).isEqualTo("RUNNING");
		}
		finally {
			this.http.delete(stalledLocation);
		}
	}

	@Test
	void noSenderThreadShouldBeLeftAfterStreamsFinish() throws Exception {
		List<String> ids = new ArrayList<>();
		List<Thread> readers = new ArrayList<>();
		List<List<String>> received = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			String location = startSleeping(2_000, 5);
			ids.add(idOf(location));
			List<String> events = new CopyOnWriteArrayList<>();
			received.add(events);
			readers.add(Thread.ofVirtual().start(() -> readEvents(location, events)));
		}
		Set<Thread> senders = ConcurrentHashMap.newKeySet();
		try {
			// Every stream's sender, seen while its stream is open.
			awaitUntil("the three streams' senders", () -> {
				this.streams.streams()
					.stream()
					.filter((s) -> ids.contains(s.experimentId()))
					.forEach((s) -> senders.add(s.sender()));
				return senders.size() == 3;
			});
			awaitUntil("the three streams' ends", () -> readers.stream().noneMatch(Thread::isAlive));
		}
		finally {
			readers.forEach(Thread::interrupt);
		}
		received.forEach((events) -> assertThat(events).last().isEqualTo("finished"));
		assertThat(senders).hasSize(3);
		awaitUntil("every sender ended and its stream gone", () -> senders.stream().noneMatch(Thread::isAlive)
				&& this.streams.streams().stream().noneMatch((s) -> ids.contains(s.experimentId())));
	}

	@Test
	void stoppingTheServiceShouldEndEveryStreamAndLeaveNoSender() throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(ConcurrencyLabApplication.class,
				"--server.port=0");
		List<String> events = new CopyOnWriteArrayList<>();
		Thread reader = null;
		Thread sender;
		ProgressStreams streams = context.getBean(ProgressStreams.class);
		try {
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			String location;
			try (LabHttp other = new LabHttp(port)) {
				location = other.post("/experiments?waitMillis=0",
						"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":2}")
					.header("Location");
			}
			String url = "http://127.0.0.1:" + port + location;
			reader = Thread.ofVirtual().start(() -> readEvents(URI.create(url + "/events"), events));
			awaitUntil("a first progress event", () -> count(events, "progress") >= 1);
			sender = streams.streams().get(0).sender();
			assertThat(streams.streams()).hasSize(1);
		}
		finally {
			context.close();
		}
		try {
			Thread stopped = reader;
			awaitUntil("the stream's end on shutdown", () -> !stopped.isAlive());
		}
		finally {
			reader.interrupt();
		}
		assertThat(events).last().isEqualTo("finished");
		assertThat(sender.isAlive()).isFalse();
		assertThat(streams.streams()).isEmpty();
	}

	private String startSleeping(int millis, int tasks) {
		LabHttp.Answer answer = this.http.post("/experiments?waitMillis=0",
				"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":" + millis + "},\"tasks\":"
						+ tasks + "}");
		assertThat(answer.status()).as(answer.body()).isEqualTo(202);
		return answer.header("Location");
	}

	private ProgressStreams.StreamState stateOf(String experimentId) {
		return this.streams.streams()
			.stream()
			.filter((s) -> s.experimentId().equals(experimentId))
			.findFirst()
			.orElse(null);
	}

	private void readEvents(String location, List<String> names) {
		readEvents(URI.create("http://127.0.0.1:" + this.port + location + "/events"), names);
	}

	/**
	 * Reads a stream to its end, adding each event's name; an interrupt ends it early.
	 */
	private static void readEvents(URI events, List<String> names) {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(events).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("event:")) {
						names.add(line.substring(6));
					}
				}
			}
		}
		catch (IOException ex) {
			names.add("error: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long count(List<String> names, String name) {
		return names.stream().filter(name::equals).count();
	}

	private static String idOf(String location) {
		return location.substring(location.lastIndexOf('/') + 1);
	}

}
