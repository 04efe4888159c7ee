package dev.concurrencylab.experiment;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import jakarta.annotation.PreDestroy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.report.Summary;

/**
 * Server-Sent Events of experiments: every open stream gets a {@code progress} event at
 * most every 100 ms (10 per second) while its experiment runs, then exactly one
 * {@code finished} event with the summary, and is completed. A client that disconnects is
 * dropped at the next send; one ticker thread serves every stream, so an open stream
 * costs no thread.
 */
@Component
class ProgressStreams {

	static final Duration TICK = Duration.ofMillis(100);

	/** Progress sent on a stream. */
	record ProgressEvent(int completed, int failed, int cancelled, int inFlight, double elapsedMillis) {
	}

	/** The last event of a stream. */
	record FinishedEvent(String id, ExperimentStatus status, Summary summary, String error) {
	}

	private final Map<SseEmitter, Experiment> streams = new ConcurrentHashMap<>();

	/** Ticks every stream; owned here and stopped with the context. */
	private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1,
			Thread.ofPlatform().name("sse-progress-", 1).daemon().factory());

	ProgressStreams(ObjectProvider<MeterRegistry> registry) {
		registry.ifAvailable(
				(meters) -> new ExecutorServiceMetrics(this.ticker, "lab.sse-ticker", Tags.empty()).bindTo(meters));
		this.ticker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Opens a stream for an experiment. */
	SseEmitter open(Experiment experiment) {
		SseEmitter emitter = new SseEmitter(experiment.spec().timeoutMillis() + Duration.ofMinutes(1).toMillis());
		Runnable drop = () -> this.streams.remove(emitter);
		emitter.onCompletion(drop);
		emitter.onTimeout(drop);
		emitter.onError((error) -> drop.run());
		this.streams.put(emitter, experiment);
		this.ticker.execute(() -> send(emitter, experiment));
		return emitter;
	}

	private void tick() {
		for (Map.Entry<SseEmitter, Experiment> stream : Set.copyOf(this.streams.entrySet())) {
			send(stream.getKey(), stream.getValue());
		}
	}

	/** Runs on the ticker thread only, so the events of one stream never interleave. */
	private void send(SseEmitter emitter, Experiment experiment) {
		if (!this.streams.containsKey(emitter)) {
			return;
		}
		try {
			if (experiment.status().isFinished()) {
				this.streams.remove(emitter);
				emitter
					.send(SseEmitter.event().name("progress").data(progress(experiment), MediaType.APPLICATION_JSON));
				emitter.send(SseEmitter.event()
					.name("finished")
					.data(new FinishedEvent(experiment.id(), experiment.status(), experiment.summary(),
							experiment.error()), MediaType.APPLICATION_JSON));
				emitter.complete();
			}
			else {
				emitter
					.send(SseEmitter.event().name("progress").data(progress(experiment), MediaType.APPLICATION_JSON));
			}
		}
		catch (IOException | IllegalStateException ex) {
			// The client went away: forget the stream.
			this.streams.remove(emitter);
		}
	}

	private static ProgressEvent progress(Experiment experiment) {
		Execution execution = experiment.execution();
		if (execution == null) {
			return new ProgressEvent(0, 0, 0, 0, 0);
		}
		Execution.Progress progress = execution.progress();
		return new ProgressEvent(progress.completed(), progress.failed(), progress.cancelled(), progress.inFlight(),
				Math.round(execution.elapsedNanos() / 1000.0) / 1000.0);
	}

	@PreDestroy
	void stop() {
		this.ticker.shutdownNow();
		for (SseEmitter emitter : Set.copyOf(this.streams.keySet())) {
			emitter.complete();
		}
		this.streams.clear();
	}

}
