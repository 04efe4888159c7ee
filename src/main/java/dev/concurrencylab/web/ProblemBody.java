package dev.concurrencylab.web;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;

/**
 * An RFC 9457 problem detail written as bytes, for the answers that are made outside
 * Spring MVC (Tomcat's own rejections, the error page): the same fields, in the same
 * order, as {@code ProblemHandler}'s.
 */
final class ProblemBody {

	private ProblemBody() {
	}

	/**
	 * The problem's JSON.
	 * @param status the HTTP status
	 * @param detail a sentence saying what went wrong and what to do
	 * @param instance the request's path, or null when it is not known or not safe to
	 * echo
	 * @return the body in UTF-8
	 */
	static byte[] json(int status, String detail, String instance) {
		HttpStatus known = HttpStatus.resolve(status);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", (known != null) ? known.getReasonPhrase() : "Error");
		body.put("status", status);
		body.put("detail", detail);
		if (instance != null) {
			body.put("instance", instance);
		}
		return JsonMapper.shared().writeValueAsBytes(body);
	}

	/**
	 * A sentence for a client error known only by its status.
	 * @param status a 4xx status
	 * @return the detail
	 */
	static String clientDetail(int status) {
		return switch (status) {
			case 400 -> "The request could not be read; check its body, its encoding and its headers.";
			case 404 -> "There is nothing at this address; GET /swagger-ui.html lists the API.";
			case 405 -> "This method is not allowed here; GET /swagger-ui.html lists the methods of every address.";
			case 408 -> "The request body did not arrive in time.";
			case 413 -> "The request body is larger than the service accepts.";
			default -> "The request was refused (HTTP " + status + ").";
		};
	}

}
