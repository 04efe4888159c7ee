package dev.concurrencylab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for tests against the service on its random port, over loopback.
 * Every answer is checked against the service's OpenAPI document
 * ({@link OpenApiContract}).
 */
public final class LabHttp implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

	private final String base;

	public LabHttp(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	/** A response with its body parsed as JSON when it is JSON. */
	public record Answer(int status, HttpResponse<String> raw, JsonNode json) {

		public String header(String name) {
			return this.raw.headers().firstValue(name).orElse(null);
		}

		public String body() {
			return this.raw.body();
		}

	}

	public Answer get(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).GET());
	}

	public Answer getAccepting(String path, String accept) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).header("Accept", accept).GET());
	}

	public Answer post(String path, String json) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	public Answer delete(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).DELETE());
	}

	/**
	 * Polls an experiment until it has finished and returns it; fails the test if it has
	 * not finished within two minutes.
	 */
	public JsonNode awaitFinished(String location) {
		return Awaits.awaitValue(location + " finished", Duration.ofMinutes(2), () -> get(location).json(),
				(experiment) -> !experiment.get("status").asString().equals("QUEUED")
						&& !experiment.get("status").asString().equals("RUNNING"));
	}

	/**
	 * Polls an experiment until it has tasks in flight and returns it: the precondition
	 * of any test that stops running tasks.
	 */
	public JsonNode awaitInFlight(String location) {
		return Awaits.awaitValue(location + " has tasks in flight", Awaits.PATIENCE, () -> get(location).json(),
				(experiment) -> experiment.get("progress").get("inFlight").asInt() > 0);
	}

	private Answer send(HttpRequest.Builder request) {
		try {
			HttpRequest built = request.timeout(Duration.ofMinutes(2)).build();
			HttpResponse<String> response = this.client.send(built, HttpResponse.BodyHandlers.ofString());
			String type = response.headers().firstValue("Content-Type").orElse("");
			OpenApiContract.of(this.base)
				.check(response.request().method(), response.request().uri().getRawPath(), response.statusCode(), type,
						response.body());
			JsonNode json = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
			return new Answer(response.statusCode(), response, json);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.client.close();
	}

}
