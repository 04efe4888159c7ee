package dev.concurrencylab.experiment;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.concurrencylab.execution.Execution;
import dev.concurrencylab.report.Summary;

/**
 * Server-Sent Events of experiments: every open stream gets a {@code progress} event at
 * most every 100 ms (10 per second) while its experiment runs, then exactly one
 * {@code finished} event with the summary, and is completed.
 * <p>
 * Each stream has its own sender, a virtual thread that sends the experiment's progress
 * as it is now and then sleeps {@link #TICK}, so a client that reads slowly gets fewer,
 * fresher events (never a backlog) and a client that stops reading blocks only its own
 * sender. Nothing in the application can end a blocked write: Spring's
 * {@code complete}/{@code completeWithError} wait for the emitter's lock that the blocked
 * {@code send} holds, and Tomcat's blocking write swallows interrupts and is not woken
 * when its socket is closed; it ends only when the client reads or when the connector's
 * write timeout ({@code server.tomcat.connection-timeout}, 5 s) passes with no byte
 * taken. Then the send fails, the stream is dropped, Tomcat closes the connection and the
 * sender ends.
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

	/**
	 * What one open stream's sender is doing, for tests and diagnosis.
	 *
	 * @param experimentId the experiment watched
	 * @param sender the stream's sender thread
	 * @param progressSent {@code progress} events written so far
	 * @param sending how long the current send has been under way; zero between sends
	 */
	record StreamState(String experimentId, Thread sender, long progressSent, Duration sending) {
	}

	/** Open streams; a stream removes itself when its sender ends. */
	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

	private final ThreadFactory senders = Thread.ofVirtual().name("sse-sender-", 1).factory();

	/** Streams dropped because a send failed: the client went away or stopped reading. */
	private final AtomicLong dropped = new AtomicLong();

	/**
	 * Longest a write to a client that reads nothing can block: Tomcat's write timeout.
	 */
	private final Duration writeTimeout;

	/** Set once by {@link #stop()}; a stream opened after it ends at once. */
	private volatile boolean stopping;

	private final ExperimentStore store;

	ProgressStreams(@Value("${server.tomcat.connection-timeout:60s}") Duration writeTimeout,
			ObjectProvider<MeterRegistry> registry, ExperimentStore store) {
		this.store = store;
		this.writeTimeout = writeTimeout;
		registry.ifAvailable((meters) -> {
			Gauge.builder("lab.sse.streams", this.streams, Set::size)
				.description("Server-Sent-Event streams open now, one sender thread each")
				.register(meters);
			FunctionCounter.builder("lab.sse.dropped", this.dropped, AtomicLong::get)
				.description("Server-Sent-Event streams dropped: the client went away or read nothing until the "
						+ "write timed out")
				.register(meters);
		});
	}

	/** Opens a stream for an experiment this replica runs or holds. */
	SseEmitter open(Experiment experiment) {
		return open(experiment.id(), experiment.spec().timeoutMillis(), () -> snapshot(experiment));
	}

	/**
	 * Opens a stream for an experiment another replica runs or ran: its progress as that
	 * replica last wrote it to the store (every {@code lab.store.heartbeat}).
	 */
	SseEmitter openStored(ExperimentView view) {
		String id = view.id();
		return open(id, view.timeoutMillis(),
				() -> this.store.find(id)
					.map((stored) -> snapshot(stored.view()))
					.orElseGet(() -> snapshot(view.ended(ExperimentStatus.FAILED,
							"The experiment was deleted from the store while it was watched.", Instant.now()))));
	}

	private SseEmitter open(String id, long timeoutMillis, Supplier<Snapshot> source) {
		SseEmitter emitter = new SseEmitter(timeoutMillis + Duration.ofMinutes(1).toMillis());
		Stream stream = new Stream(id, source, emitter);
		// The container ended the request (completed, timed out, or an I/O error it saw):
		// the sender stops at its next step.
		emitter.onCompletion(stream::close);
		emitter.onTimeout(stream::close);
		emitter.onError((error) -> stream.close());
		// The sender is set before the stream is visible: stop() and streams() read it.
		stream.sender = this.senders.newThread(() -> run(stream));
		this.streams.add(stream);
		stream.sender.start();
		if (this.stopping) {
			// stop() may have taken its copy of the open streams before this one was
			// added: end this one here.
			stream.close();
		}
		return emitter;
	}

	/** Open streams now. */
	List<StreamState> streams() {
		return this.streams.stream().map(Stream::state).toList();
	}

	/** Streams dropped since start-up because a send failed. */
	long dropped() {
		return this.dropped.get();
	}

	/**
	 * The body of a stream's sender: the only thread that writes to its emitter, so the
	 * events of one stream never interleave and {@code finished} is always the last.
	 */
	private void run(Stream stream) {
		try {
			while (!stream.closed) {
				// Read the status before the progress, so the last progress sent is
				// final.
				Snapshot now = stream.source.get();
				stream.send(SseEmitter.event().name("progress").data(now.progress(), MediaType.APPLICATION_JSON));
				stream.progressSent++;
				if (now.finished() != null) {
					stream.send(SseEmitter.event().name("finished").data(now.finished(), MediaType.APPLICATION_JSON));
					stream.emitter.complete();
					return;
				}
				Thread.sleep(TICK);
			}
			endIfStopping(stream);
		}
		catch (InterruptedException ex) {
			endIfStopping(stream);
		}
		catch (IOException | IllegalStateException ex) {
			// The client went away or stopped reading until the write timed out; Tomcat
			// ends the request itself (an error dispatch), nothing more to write.
			this.dropped.incrementAndGet();
		}
		finally {
			this.streams.remove(stream);
		}
	}

	/** On shutdown a stream ends without its {@code finished} event. */
	private void endIfStopping(Stream stream) {
		if (this.stopping) {
			stream.emitter.complete();
		}
	}

	/**
	 * What a stream sends next: the progress, and the finished event once the experiment
	 * has finished.
	 */
	private record Snapshot(ProgressEvent progress, FinishedEvent finished) {
	}

	private static Snapshot snapshot(Experiment experiment) {
		// The status before the progress, so that the last progress sent is final.
		boolean finished = experiment.status().isFinished();
		Execution execution = experiment.execution();
		ProgressEvent progress = new ProgressEvent(0, 0, 0, 0, 0);
		if (execution != null) {
			Execution.Progress now = execution.progress();
			progress = new ProgressEvent(now.completed(), now.failed(), now.cancelled(), now.inFlight(),
					Math.round(execution.elapsedNanos() / 1000.0) / 1000.0);
		}
		return new Snapshot(progress, finished
				? new FinishedEvent(experiment.id(), experiment.status(), experiment.summary(), experiment.error())
				: null);
	}

	private static Snapshot snapshot(ExperimentView view) {
		Execution.Progress now = view.progress();
		Instant end = (view.finishedAt() != null) ? view.finishedAt() : Instant.now();
		double elapsed = (view.startedAt() != null) ? Duration.between(view.startedAt(), end).toNanos() / 1e6 : 0;
		ProgressEvent progress = new ProgressEvent(now.completed(), now.failed(), now.cancelled(), now.inFlight(),
				Math.round(elapsed * 1000) / 1000.0);
		return new Snapshot(progress, view.status().isFinished()
				? new FinishedEvent(view.id(), view.status(), view.summary(), view.error()) : null);
	}

	/**
	 * Ends every stream and waits for the senders: a sender blocked on a client that
	 * reads nothing ends within the write timeout.
	 */
	@PreDestroy
	void stop() throws InterruptedException {
		this.stopping = true;
		List<Stream> open = List.copyOf(this.streams);
		open.forEach(Stream::close);
		long deadline = System.nanoTime() + this.writeTimeout.plusSeconds(1).toNanos();
		for (Stream stream : open) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || !stream.sender.join(Duration.ofNanos(left))) {
				break;
			}
		}
	}

	/** One open stream: its experiment, its emitter and its sender. */
	private static final class Stream {

		private final String id;

		private final Supplier<Snapshot> source;

		private final SseEmitter emitter;

		/** Set before the stream is added to the open streams, read by others after. */
		private volatile Thread sender;

		/** Set when the container ended the request or the service stops. */
		private volatile boolean closed;

		/** Written by the sender only. */
		private volatile long progressSent;

		/** {@link System#nanoTime()} when the current send started, 0 between sends. */
		private volatile long sendingSince;

		private Stream(String id, Supplier<Snapshot> source, SseEmitter emitter) {
			this.id = id;
			this.source = source;
			this.emitter = emitter;
		}

		private void send(SseEmitter.SseEventBuilder event) throws IOException {
			this.sendingSince = System.nanoTime();
			try {
				this.emitter.send(event);
			}
			finally {
				this.sendingSince = 0;
			}
		}

		/**
		 * Asks the sender to stop: it sees the flag after its current step; the interrupt
		 * cuts its sleep short (a blocked write swallows it, the flag remains).
		 */
		private void close() {
			this.closed = true;
			Thread thread = this.sender;
			if (thread != null && thread != Thread.currentThread()) {
				thread.interrupt();
			}
		}

		private StreamState state() {
			long since = this.sendingSince;
			return new StreamState(this.id, this.sender, this.progressSent,
					(since == 0) ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since));
		}

	}

}
