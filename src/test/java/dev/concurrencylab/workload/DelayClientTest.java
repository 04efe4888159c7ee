package dev.concurrencylab.workload;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The {@code http} workload's client: a cancelled call aborts its request, so no exchange
 * outlives the task that made it.
 */
class DelayClientTest {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@Test
	void cancellingACallShouldCloseItsConnection() throws Exception {
		try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			listener.setSoTimeout((int) PATIENCE.toMillis());
			DelayServer server = mock(DelayServer.class);
			given(server.baseUrl()).willReturn("http://127.0.0.1:" + listener.getLocalPort() + "/delay?millis=");
			try (DelayClient client = new DelayClient(server)) {
				CompletableFuture<Long> call = client.getAsync(60_000);
				try (Socket connection = listener.accept()) {
					connection.setSoTimeout((int) PATIENCE.toMillis());
					BufferedReader request = new BufferedReader(
							new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
					assertThat(request.readLine()).startsWith("GET /delay?millis=60000 ");
					String line;
					while ((line = request.readLine()) != null && !line.isEmpty()) {
						// The request's headers: it now waits for an answer that never
						// comes.
					}
					assertThat(call).isNotDone();

					call.cancel(true);

					// The client closes the connection: the server reads its end (a read
					// that times out instead fails the test).
					InputStream in = connection.getInputStream();
					assertThat(in.read()).isEqualTo(-1);
				}
			}
		}
	}

}
