package dev.concurrencylab.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path with path parameters ({@code /actuator;x=1/env}): Tomcat would drop them
 * and serve {@code /actuator/env}, while a proxy in front that allows or denies by path
 * prefix sees another path. The API uses none, so any is refused with 400.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PathParametersFilter extends OncePerRequestFilter {

	private static final String DETAIL = "The path has a path parameter (';'); the API uses none. Send the path without it.";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getRequestURI().indexOf(';') < 0) {
			chain.doFilter(request, response);
			return;
		}
		byte[] problem = ProblemBody.json(HttpStatus.BAD_REQUEST.value(), DETAIL, request.getRequestURI());
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setContentLength(problem.length);
		response.getOutputStream().write(problem);
	}

}
