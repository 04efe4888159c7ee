package dev.concurrencylab.experiment;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that send a request body one byte at a time hold a request thread each while it
 * reads; they must not hold all of them. (With 8 request threads, 8 such clients froze
 * every other request.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowClientsIntegrationTest {

	private static final int SLOW_CLIENTS = 24;

	@LocalServerPort
	private int port;

	@Test
	void clientsTricklingABodyShouldNotStopOtherRequests() throws Exception {
		List<Socket> slow = new ArrayList<>();
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
			for (int i = 0; i < SLOW_CLIENTS; i++) {
				Socket socket = new Socket("127.0.0.1", this.port);
				slow.add(socket);
				OutputStream out = socket.getOutputStream();
				out.write(("POST /experiments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
						+ "Content-Length: 1000\r\n\r\n{")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			// Each slow request keeps a request thread reading its body now.
			trickle(slow);
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> modes = client
					.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/modes"))
						.timeout(Duration.ofSeconds(3))
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(modes.statusCode()).isEqualTo(200);
				trickle(slow);
			}
			// Precondition of the above: every slow request was still unanswered.
			for (Socket socket : slow) {
				assertThat(socket.getInputStream().available()).isZero();
				assertThat(socket.isClosed()).isFalse();
			}
		}
		finally {
			for (Socket socket : slow) {
				socket.close();
			}
		}
	}

	private static void trickle(List<Socket> slow) throws IOException {
		for (Socket socket : slow) {
			socket.getOutputStream().write(' ');
			socket.getOutputStream().flush();
		}
	}

}
