package dev.concurrencylab.web;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An {@code Accept} header that names no type at all ({@code Accept:}, {@code Accept: ,})
 * means "anything", as no header does: without this, the Prometheus endpoint failed with
 * a 500 on it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class EmptyAcceptFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Enumeration<String> values = request.getHeaders(HttpHeaders.ACCEPT);
		boolean present = false;
		boolean empty = true;
		while (values != null && values.hasMoreElements()) {
			present = true;
			if (!values.nextElement().replace(",", "").isBlank()) {
				empty = false;
			}
		}
		chain.doFilter((present && empty) ? new WithoutAccept(request) : request, response);
	}

	private static final class WithoutAccept extends HttpServletRequestWrapper {

		WithoutAccept(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getHeader(String name) {
			return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((header) -> !HttpHeaders.ACCEPT.equalsIgnoreCase(header))
				.toList());
		}

	}

}
