package dev.concurrencylab.workload;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * The server the {@code http} workload calls: the JDK's own HTTP server on a loopback
 * port of its own, answering {@code GET /delay?millis=N} with {@code N} after N ms. It
 * runs beside Spring MVC on purpose: the workload measures how a mode waits for HTTP, and
 * Spring MVC's dispatch (twice per asynchronous request) would double the CPU each
 * request costs (measured with 1,000 requests in flight: ~190 ms of CPU per round through
 * Spring MVC, ~100 ms here), so the harness, not the model, would show. Only 127.0.0.1 is
 * bound; two threads parse requests, a timer answers them, and all three are stopped with
 * the context.
 */
@Component
public class DelayServer {

	static final String PATH = "/delay";

	static {
		// The JDK server keeps 200 idle keep-alive connections by default; with 1,000
		// requests
		// in flight the rest would reconnect every round.
		if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
			System.setProperty("sun.net.httpserver.maxIdleConnections", "10000");
		}
	}

	private final long maxMillis;

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
			Thread.ofPlatform().name("delay-server-timer-", 1).daemon().factory());

	private final ExecutorService handlers = Executors.newFixedThreadPool(2,
			Thread.ofPlatform().name("delay-server-", 1).daemon().factory());

	private final HttpServer server;

	DelayServer(LabProperties limits) throws IOException {
		this.maxMillis = limits.maxMillis();
		this.timer.setRemoveOnCancelPolicy(true);
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
		this.server.setExecutor(this.handlers);
		this.server.createContext(PATH, this::delay);
		this.server.start();
	}

	/**
	 * The base URL of the endpoint, e.g. {@code http://127.0.0.1:41234/delay?millis=}.
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + PATH + "?millis=";
	}

	private void delay(HttpExchange exchange) throws IOException {
		long millis;
		try {
			String query = exchange.getRequestURI().getRawQuery();
			millis = Long.parseLong(query.substring(query.indexOf("millis=") + "millis=".length()));
		}
		catch (RuntimeException ex) {
			answer(exchange, 400, "millis must be a whole number");
			return;
		}
		if (millis < 0 || millis > this.maxMillis) {
			answer(exchange, 400, "millis must be between 0 and " + this.maxMillis);
			return;
		}
		long delay = millis;
		this.timer.schedule(() -> answer(exchange, 200, Long.toString(delay)), delay, TimeUnit.MILLISECONDS);
	}

	private static void answer(HttpExchange exchange, int status, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		try (exchange; OutputStream out = exchange.getResponseBody()) {
			exchange.getResponseHeaders().set("Content-Type", "text/plain");
			exchange.sendResponseHeaders(status, bytes.length);
			out.write(bytes);
		}
		catch (IOException ex) {
			// The client went away.
		}
	}

	@PreDestroy
	void stop() {
		this.server.stop(0);
		this.timer.shutdownNow();
		this.handlers.shutdownNow();
	}

}
