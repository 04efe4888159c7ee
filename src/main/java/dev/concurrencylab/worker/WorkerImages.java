package dev.concurrencylab.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.workload.DelayServer;

/**
 * The service's {@link WorkerImage}: made once in the background after start-up, as an
 * exclusive run at the admission gate (its training computes), in
 * {@code lab.worker-image-dir} when set (an image already there for this JDK is reused,
 * e.g. one a container build made), else in a temporary folder this component owns and
 * deletes when the service stops. Until it is ready, or if it cannot be made, workers
 * start from the service's own classes.
 */
@Component
public class WorkerImages {

	private static final Logger logger = LoggerFactory.getLogger(WorkerImages.class);

	private final AdmissionGate gate;

	private final DelayServer delays;

	/** The configured folder, or null for a temporary one of our own. */
	private final Path configured;

	/** The folder this component created and must delete, or null. */
	private volatile Path owned;

	private volatile WorkerImage image;

	private volatile Thread builder;

	WorkerImages(AdmissionGate gate, DelayServer delays, @Value("${lab.worker-image-dir:}") String folder) {
		this.gate = gate;
		this.delays = delays;
		this.configured = folder.isBlank() ? null : Path.of(folder);
	}

	/** The image, or null while none is ready. */
	public WorkerImage current() {
		return this.image;
	}

	@EventListener(ApplicationReadyEvent.class)
	void buildInBackground() {
		if (this.configured != null) {
			WorkerImage existing = WorkerImage.existing(this.configured);
			if (existing != null && existing.aotCache() != null) {
				this.image = existing;
				logger.info("Worker image reused from {}", this.configured);
				return;
			}
		}
		this.builder = Thread.ofPlatform().name("worker-image").daemon().start(this::build);
	}

	private void build() {
		try (AdmissionGate.Ticket window = this.gate.enqueue("worker-image", Isolation.EXCLUSIVE)) {
			window.awaitAdmission();
			long begin = System.nanoTime();
			Path folder = (this.configured != null) ? this.configured : ownFolder();
			WorkerImage made = WorkerImage.build(folder, WorkerLauncher.java(), classes(), this.delays.baseUrl());
			this.image = made;
			logger.info("Worker image ready in {} ms at {} (AOT cache: {})",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), made.jar(),
					(made.aotCache() != null) ? made.aotCache() : "none, see training.log");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("No worker image; workers start from the service's classes ({})", ex.toString());
		}
	}

	private Path ownFolder() throws IOException {
		Path folder = Files.createTempDirectory("concurrency-lab-worker-");
		this.owned = folder;
		return folder;
	}

	/** Where {@link WorkerMain} was loaded from. */
	static URI classes() {
		try {
			return WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("cannot tell where the worker's classes are", ex);
		}
	}

	/** Stops a build under way (its training run is killed) and deletes our folder. */
	@PreDestroy
	void stop() throws InterruptedException {
		Thread thread = this.builder;
		if (thread != null) {
			thread.interrupt();
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		Path folder = this.owned;
		if (folder != null) {
			try (Stream<Path> files = Files.walk(folder)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(file);
				}
			}
			catch (IOException | UncheckedIOException ex) {
				logger.warn("Could not delete the worker image at {} ({})", folder, ex.toString());
			}
		}
	}

}
