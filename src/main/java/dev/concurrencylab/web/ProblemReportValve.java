package dev.concurrencylab.web;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;

/**
 * Tomcat's last word on a request, in place of its HTML error page: the requests Tomcat
 * refuses itself (a request line or header that is not valid HTTP, headers over the size
 * limit, a bad percent-encoding in the path, an unsupported transfer coding or HTTP
 * version) get a problem detail like every other error, never a page naming the server.
 *
 * <p>
 * Two refusals that Tomcat answers with 5xx are the client's doing, so they are answered
 * 400 with the reason: an unsupported {@code Transfer-Encoding} (Tomcat: 501) and an HTTP
 * version other than 1.0 and 1.1 (Tomcat: 505). Of the request only its path is echoed,
 * as {@code instance}, when Tomcat could read one.
 */
public class ProblemReportValve extends ErrorReportValve {

	private static final Logger logger = LoggerFactory.getLogger(ProblemReportValve.class);

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		if (status >= 500 && status != 501 && status != 505) {
			logger.error("Tomcat answered {} outside the application", status, throwable);
		}
		int answer = (status == 501 || status == 505) ? 400 : status;
		byte[] body = ProblemBody.json(answer, detail(status), instance(request));
		try {
			response.setStatus(answer);
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setContentLength(body.length);
			try (OutputStream out = response.getOutputStream()) {
				out.write(body);
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client has gone, or the response cannot be written any more: nothing to
			// answer.
		}
	}

	/**
	 * The request's path as it came, when Tomcat got that far (JSON-escaped when
	 * written).
	 */
	private static String instance(Request request) {
		String uri = (request.getCoyoteRequest() != null) ? request.getCoyoteRequest().requestURI().toString() : null;
		return (uri == null || uri.isEmpty() || uri.length() > 2048) ? null : uri;
	}

	static String detail(int status) {
		return switch (status) {
			case 400 -> "The request is not valid HTTP/1.1 and was refused before it reached the service: check the "
					+ "request line (a method, a path of printable ASCII with valid percent-encoding, where %2F, %5C "
					+ "and %00 are refused), the headers (Name: value, exactly one Host) and that the request line and "
					+ "headers stay under 8 KB together.";
			case 408 -> "The request did not arrive in time; send it whole within 5 s.";
			case 413 -> "The request is larger than the service accepts.";
			case 414 -> "The request line is too long; keep the path and query under 8 KB.";
			case 417 -> "Only the expectation 100-continue is understood; send the request without this Expect header.";
			case 501 -> "The Transfer-Encoding is not supported; send the body with Content-Length or with "
					+ "Transfer-Encoding: chunked.";
			case 505 -> "Only HTTP/1.1 and HTTP/1.0 are served here.";
			default -> (status >= 500)
					? "Something went wrong on our side; the service log has the details. Your other experiments are "
							+ "not affected."
					: "The request was refused by the web server (HTTP " + status + ").";
		};
	}

}
