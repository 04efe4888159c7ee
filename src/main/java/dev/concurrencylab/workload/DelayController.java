package dev.concurrencylab.workload;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.annotation.PreDestroy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.concurrencylab.LabProperties;

/**
 * The delay endpoint on the service's own port, for trying by hand: it answers after
 * {@code millis} without holding a request thread while it waits. The {@code http}
 * workload calls the same endpoint on {@link DelayServer}, which costs half the CPU per
 * request.
 */
@RestController
@Tag(name = "workloads")
class DelayController {

	static final String PATH = "/delay";

	private final LabProperties limits;

	/** Completes delayed responses; owned by this controller and stopped with it. */
	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
			Thread.ofPlatform().name("delay-timer-", 1).daemon().factory());

	DelayController(LabProperties limits, ObjectProvider<MeterRegistry> registry) {
		this.limits = limits;
		this.timer.setRemoveOnCancelPolicy(true);
		registry.ifAvailable(
				(meters) -> new ExecutorServiceMetrics(this.timer, "lab.delay-timer", Tags.empty()).bindTo(meters));
	}

	@GetMapping(path = PATH, produces = MediaType.TEXT_PLAIN_VALUE)
	@Operation(summary = "Answer after a delay",
			description = "Answers `millis` as plain text after waiting `millis` milliseconds, without blocking a "
					+ "request thread. The `http` workload calls the same endpoint on a lighter server of the "
					+ "service's own, on a loopback port of its own.")
	CompletableFuture<String> delay(@Parameter(description = "how long to wait, 0 to lab.max-millis",
			example = "100") @RequestParam long millis) {
		if (millis < 0 || millis > this.limits.maxMillis()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"millis must be between 0 and " + this.limits.maxMillis() + ", was " + millis + ".");
		}
		CompletableFuture<String> answer = new CompletableFuture<>();
		this.timer.schedule(() -> answer.complete(Long.toString(millis)), millis, TimeUnit.MILLISECONDS);
		return answer;
	}

	@PreDestroy
	void stop() {
		this.timer.shutdownNow();
	}

}
