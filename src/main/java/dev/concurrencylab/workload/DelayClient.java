package dev.concurrencylab.workload;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.stereotype.Component;

/**
 * The HTTP client of the {@code http} workload. It only ever calls this service's own
 * {@link DelayServer} on 127.0.0.1; no user-supplied host or URL is contacted. Owns the
 * JDK {@link HttpClient} and its executor, and closes both with the context.
 */
@Component
public class DelayClient implements AutoCloseable {

	private final DelayServer server;

	private final ExecutorService executor = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-client-", 1).factory());

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(this.executor)
		.build();

	/** http://127.0.0.1:{port}/delay?millis= once the server port is known. */
	private volatile String base;

	public DelayClient(DelayServer server) {
		this.server = server;
	}

	/**
	 * Calls the delay endpoint and blocks until it answers; returns the delay it reports.
	 */
	public long get(long millis) throws IOException, InterruptedException {
		HttpResponse<String> response = this.client.send(request(millis), HttpResponse.BodyHandlers.ofString());
		return parse(response);
	}

	/**
	 * Calls the delay endpoint without blocking. Cancelling the answer aborts the request
	 * and closes its connection: the JDK client's futures, this one derived from them
	 * too, pass a cancel back to the exchange ({@code DelayClientTest} pins it).
	 */
	public CompletableFuture<Long> getAsync(long millis) {
		return this.client.sendAsync(request(millis), HttpResponse.BodyHandlers.ofString()).thenApply(this::parse);
	}

	private HttpRequest request(long millis) {
		return HttpRequest.newBuilder(URI.create(base() + millis)).timeout(Duration.ofMillis(millis + 30_000)).build();
	}

	private long parse(HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException("the delay endpoint answered HTTP " + response.statusCode());
		}
		return Long.parseLong(response.body().trim());
	}

	private String base() {
		String value = this.base;
		if (value == null) {
			if (this.server == null) {
				throw new IllegalStateException("the delay server has not started, so there is nothing to call");
			}
			value = this.server.baseUrl();
			this.base = value;
		}
		return value;
	}

	@Override
	public void close() {
		this.client.shutdownNow();
		this.executor.shutdownNow();
	}

}
