package dev.concurrencylab.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.concurrencylab.store.Replica;

/**
 * Names the replica that answered on every response ({@code X-Lab-Replica}): behind a
 * load balancer, a client can tell which replica accepted its run.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ReplicaHeaderFilter extends OncePerRequestFilter {

	private final String replica;

	ReplicaHeaderFilter(Replica replica) {
		this.replica = replica.id();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader(Replica.HEADER, this.replica);
		chain.doFilter(request, response);
	}

}
