package dev.concurrencylab.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that never reach a controller, sent as raw bytes: what Tomcat refuses itself,
 * what a filter cannot read, the error page asked for directly. Each gets a 4xx problem
 * detail with a sentence, never a 5xx, an HTML page or a framework's name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
class HostileRequestsIntegrationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String MANY_PARAMETERS = IntStream.range(0, 1_100)
		.mapToObj((i) -> "a=" + i)
		.collect(Collectors.joining("&"));

	@LocalServerPort
	int port;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
									the error page asked for directly    | GET /error HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                                  | 404
									the error page posted to             | POST /error HTTP/1.1\\r\\nHost: lab\\r\\nContent-Length: 0\\r\\n\\r\\n          | 404
									over 1,000 query parameters          | GET /experiments?MANY HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                        | 400
									over 1,000 parameters on a POST      | POST /presets/two-threads-waiting/run?MANY HTTP/1.1\\r\\nHost: lab\\r\\nContent-Length: 0\\r\\n\\r\\n | 400
									an undecodable form body             | POST /presets/x/run HTTP/1.1\\r\\nHost: lab\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 9\\r\\n\\r\\na=%zz&b=1 | 400
									an undecodable query                 | GET /experiments?status=%zz HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                 | 400
									a form body on PUT                   | PUT /experiments/x HTTP/1.1\\r\\nHost: lab\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 4\\r\\n\\r\\na=%z | 405
									a control character in the path      | GET /\\u0001 HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                                 | 400
									a bad percent-encoding in the path   | GET /experiments/%zz HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                         | 400
									an encoded slash                     | GET /experiments/a%2fb HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                       | 400
									an encoded NUL                       | GET /experiments/%00 HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                         | 400
									a path going up                      | GET /swagger-ui/%2e%2e/%2e%2e/application.properties HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n | 400
									a header line without a colon        | GET /experiments HTTP/1.1\\r\\nHost: lab\\r\\nBad Header\\r\\n\\r\\n            | 400
									no Host header                       | GET /experiments HTTP/1.1\\r\\n\\r\\n                                           | 400
									two Host headers                     | GET /experiments HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                  | 400
									a 20 KB header                       | GET /experiments HTTP/1.1\\r\\nHost: lab\\r\\nX-Big: BIG\\r\\n\\r\\n              | 400
									a bad Content-Length                 | POST /experiments HTTP/1.1\\r\\nHost: lab\\r\\nContent-Length: abc\\r\\n\\r\\n    | 400
									an unknown transfer coding           | POST /experiments HTTP/1.1\\r\\nHost: lab\\r\\nContent-Type: application/json\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n | 400
									a broken chunk                       | POST /experiments HTTP/1.1\\r\\nHost: lab\\r\\nContent-Type: application/json\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n{}\\r\\n0\\r\\n\\r\\n | 400
									HTTP/9.9                             | GET /experiments HTTP/9.9\\r\\nHost: lab\\r\\n\\r\\n                            | 400
									a method with a brace                | G{T /experiments HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                            | 400
									an unknown expectation               | POST /experiments HTTP/1.1\\r\\nHost: lab\\r\\nExpect: 100-nope\\r\\nContent-Type: application/json\\r\\nContent-Length: 2\\r\\n\\r\\n{} | 417
									an Accept header that is not a type  | GET /experiments HTTP/1.1\\r\\nHost: lab\\r\\nAccept: ;;;//\\r\\n\\r\\n            | 406
									a Content-Type that is not a type    | POST /experiments HTTP/1.1\\r\\nHost: lab\\r\\nContent-Type: ;;/\\r\\nContent-Length: 2\\r\\n\\r\\n{} | 415
									a path parameter                     | GET /actuator;x=1/health HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                | 400
							a query parameter of the wrong type  | GET /experiments?page=x HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                 | 400
							a mode filter naming no mode         | GET /experiments?mode=nope HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                 | 400
							an unknown metric                    | GET /actuator/metrics/nope HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n             | 404
					an encoded dot-dot metric            | GET /actuator/metrics/%2e%2e HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n         | 404
					TRACE                                | TRACE /experiments HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n                          | 405
									""")
	void shouldAnswerAProblemDetail(String what, String request, int status) throws IOException {
		String raw = request.strip()
			.replace("\\r\\n", "\r\n")
			.replace("\\u0001", "\u0001")
			.replace("MANY", MANY_PARAMETERS)
			.replace("BIG", "b".repeat(20_000))
			.replaceFirst("\r\n", "\r\nConnection: close\r\n");

		String response = send(raw);

		String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		assertThat(head).as(what).startsWith("HTTP/1.1 " + status + " ");
		assertThat(head.toLowerCase(Locale.ROOT)).as(what).contains("content-type: application/problem+json");
		JsonNode problem = JSON.readTree(dechunk(head, body));
		assertThat(problem.get("status").asInt()).as(what).isEqualTo(status);
		assertThat(problem.get("type").asString()).as(what).isEqualTo("about:blank");
		assertThat(problem.get("title").asString()).as(what).isNotBlank();
		assertThat(problem.get("detail").asString()).as(what).endsWith(".").hasSizeGreaterThan(20);
		assertThat(body).as(what)
			.doesNotContainIgnoringCase("tomcat")
			.doesNotContainIgnoringCase("exception")
			.doesNotContain("org.", "java.", "<html", "\tat ");
	}

	@ParameterizedTest(name = "Accept: \"{0}\"")
	@CsvSource(delimiter = '|', value = { "''", "','", "' , '" })
	void anAcceptNamingNoTypeShouldMeanAnything(String accept) throws IOException {
		String response = send("GET /actuator/prometheus HTTP/1.1\r\nHost: lab\r\nAccept: " + accept
				+ "\r\nConnection: close\r\n\r\n");

		assertThat(response).startsWith("HTTP/1.1 200 ").contains("jvm_threads_live_threads");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
							NaN                   | {"mode":"sequential","workload":{"type":"sleep","millis":NaN}}  | NaN and Infinity are not JSON numbers
							a comment             | {/*c*/"mode":"sequential"}                                       | comments are not part of JSON
							a number out of range | {"mode":"sequential","workload":{"type":"sleep","millis":1},"tasks":2147483648} | tasks is out of range
					a field given twice   | {"mode":"sequential","mode":"async","workload":{"type":"sleep","millis":1}} | mode is given twice
							""")
	void aBodyThatIsNotPlainJsonShouldBeExplainedWithoutTheParsersSettings(String what, String body, String expected)
			throws IOException {
		byte[] bytes = body.strip().getBytes(StandardCharsets.UTF_8);
		String response = send("POST /experiments HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body.strip());

		assertThat(response).as(what)
			.startsWith("HTTP/1.1 400 ")
			.contains(expected)
			.doesNotContain("ALLOW_", "JsonReadFeature", "Feature '", "`int`");
	}

	private String send(String request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					received.write(buffer, 0, n);
				}
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError("no complete answer within 10 s; got: " + received, ex);
			}
			return received.toString(StandardCharsets.UTF_8);
		}
	}

	private static String dechunk(String head, String body) {
		if (!head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
			return body;
		}
		StringBuilder joined = new StringBuilder();
		int at = 0;
		while (true) {
			int lineEnd = body.indexOf("\r\n", at);
			int size = Integer.parseInt(body.substring(at, lineEnd).strip(), 16);
			if (size == 0) {
				return joined.toString();
			}
			joined.append(body, lineEnd + 2, lineEnd + 2 + size);
			at = lineEnd + 2 + size + 2;
		}
	}

}
