package dev.concurrencylab.web;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives a problem detail to an error answered without a body: the actuator answers an
 * unknown metric ({@code GET /actuator/metrics/nope}) with a bare 404, for one. Answers
 * that have a body, and asynchronous ones, are left as they are.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class EmptyErrorBodyFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		BodyWatch watched = new BodyWatch(response);
		chain.doFilter(request, watched);
		int status = response.getStatus();
		if (status < 400 || status >= 500 || watched.written || response.isCommitted() || request.isAsyncStarted()
				|| "HEAD".equals(request.getMethod())) {
			return;
		}
		byte[] problem = ProblemBody.json(status, ProblemBody.clientDetail(status), request.getRequestURI());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(problem.length);
		response.getOutputStream().write(problem);
	}

	/** Notes whether anything asked for the body's stream or writer. */
	private static final class BodyWatch extends HttpServletResponseWrapper {

		private boolean written;

		BodyWatch(HttpServletResponse response) {
			super(response);
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			this.written = true;
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			this.written = true;
			return super.getWriter();
		}

	}

}
