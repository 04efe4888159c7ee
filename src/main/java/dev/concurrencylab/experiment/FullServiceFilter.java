package dev.concurrencylab.experiment;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.concurrencylab.LabProperties;

/**
 * Answers {@code POST /experiments} with 429 before the request is read when the service
 * is full: the same problem detail and {@code Retry-After} that {@link ProblemHandler}
 * gives for {@link TooManyExperimentsException}, written from bytes made once, without
 * parsing, validating or dispatching. Under a flood of posts a refusal then costs a few
 * microseconds instead of a full Spring MVC round, and the CPU goes to the experiments
 * that were accepted.
 *
 * <p>
 * It is only a shortcut: when a slot frees between this check and the request's turn, the
 * request goes through as usual, and {@link ExperimentService#start} still makes the
 * decision that counts. A full service refuses before it looks at the body, so an invalid
 * request sent while it is full gets 429, not 400. It runs first, before every other
 * filter (the HTTP observation's too, which cost a refusal about as much as the rest of
 * it), so {@code http.server.requests} does not count these answers;
 * {@code lab.experiments.refused} counts every refusal.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class FullServiceFilter extends OncePerRequestFilter {

	private static final String PATH = "/experiments";

	private final ExperimentService experiments;

	private final byte[] problem;

	FullServiceFilter(ExperimentService experiments, LabProperties limits, JsonMapper json) {
		this.experiments = experiments;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "about:blank");
		body.put("title", HttpStatus.TOO_MANY_REQUESTS.getReasonPhrase());
		body.put("status", HttpStatus.TOO_MANY_REQUESTS.value());
		body.put("detail",
				new TooManyExperimentsException(limits.maxRunningExperiments(), ExperimentService.RETRY_AFTER_SECONDS)
					.getMessage());
		body.put("instance", PATH); // as ProblemHandler: the request's path
		this.problem = json.writeValueAsBytes(body);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"POST".equals(request.getMethod()) || !PATH.equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!this.experiments.full() || this.experiments.stopping()) {
			chain.doFilter(request, response);
			return;
		}
		this.experiments.refused();
		response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(ExperimentService.RETRY_AFTER_SECONDS));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(this.problem.length);
		response.getOutputStream().write(this.problem);
	}

}
