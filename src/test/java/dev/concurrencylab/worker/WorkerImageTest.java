package dev.concurrencylab.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The worker image: a jar of the worker's classes and an AOT cache from a real training
 * run, and real workers started from it.
 */
class WorkerImageTest {

	private static final String DELAY = "http://127.0.0.1:1/delay?millis=";

	@TempDir
	Path folder;

	/** A stand-in for the delay endpoint: answers {@code millis} at once. */
	private HttpServer delay;

	@BeforeEach
	void startDelayEndpoint() throws IOException {
		this.delay = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.delay.createContext("/delay", (exchange) -> {
			byte[] body = exchange.getRequestURI()
				.getQuery()
				.replace("millis=", "")
				.getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.delay.start();
	}

	@AfterEach
	void stopDelayEndpoint() {
		this.delay.stop(0);
	}

	private String delayUrl() {
		return "http://127.0.0.1:" + this.delay.getAddress().getPort() + "/delay?millis=";
	}

	@Test
	void anImageShouldHoldTheWorkersClassesAndAnAotCacheWorkersStartFrom() throws Exception {
		WorkerImage image = WorkerImage.build(this.folder, WorkerLauncher.java(), WorkerImages.classes(), DELAY);

		assertThat(image.jar()).isRegularFile();
		assertThat(Runtime.version().feature()).as("the JDK the build chose").isGreaterThanOrEqualTo(25);
		assertThat(image.aotCache()).as("see %s", this.folder.resolve("training.log")).isNotNull().isRegularFile();
		assertThat(WorkerImage.existing(this.folder)).isEqualTo(image);
		try (var jar = new java.util.jar.JarFile(image.jar().toFile())) {
			assertThat(jar.getEntry("dev/concurrencylab/worker/WorkerMain.class")).isNotNull();
			assertThat(jar.getEntry("dev/concurrencylab/workload/CpuKernel.class")).isNotNull();
			assertThat(jar.stream().map(java.util.jar.JarEntry::getName))
				.allMatch((name) -> name.startsWith("dev/concurrencylab/worker/")
						|| name.startsWith("dev/concurrencylab/workload/") || name.startsWith("META-INF/"));
		}
		WorkerCommand command = WorkerCommand.of(WorkerLauncher.java(), image, delayUrl());
		assertRunsTasks(command);
		// With AOTMode=on a JVM that cannot use the cache (a class path that does not
		// match the training run's, another JDK) exits with an error instead.
		List<String> strict = new ArrayList<>(command.arguments());
		strict.add(1, "-XX:AOTMode=on");
		Process worker = new ProcessBuilder(strict).redirectErrorStream(true).start();
		worker.getOutputStream().write((WorkerProtocol.EXIT + "\n").getBytes(StandardCharsets.UTF_8));
		worker.getOutputStream().close();
		String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(worker.waitFor()).as(output).isZero();
		assertThat(output).startsWith("READY");
	}

	@Test
	void aCacheTheJvmCannotUseShouldNotDisturbTheProtocol() throws Exception {
		WorkerImage image = WorkerImage.build(this.folder, WorkerLauncher.java(), WorkerImages.classes(), DELAY);
		Path broken = this.folder.resolve("broken.aot");
		Files.writeString(broken, "not an AOT cache");

		// The JVM says so on stderr; READY stays the first line on stdout.
		assertRunsTasks(WorkerCommand.of(WorkerLauncher.java(), new WorkerImage(image.jar(), broken), delayUrl()));
	}

	@Test
	void theClassesShouldBeFoundInAJarAsInAFolder() throws Exception {
		WorkerImage image = WorkerImage.build(this.folder, WorkerLauncher.java(), WorkerImages.classes(), DELAY);

		Map<String, byte[]> fromFolder = WorkerImage.workerClasses(WorkerImages.classes());
		Map<String, byte[]> fromJar = WorkerImage.workerClasses(image.jar().toUri());

		assertThat(fromJar.keySet()).isEqualTo(fromFolder.keySet());
	}

	@Test
	void anEmptyFolderHoldsNoImageAndAnotherJdksCacheIsNotUsed() throws Exception {
		assertThat(WorkerImage.existing(this.folder)).isNull();
		WorkerImage.build(this.folder, WorkerLauncher.java(), WorkerImages.classes(), DELAY);
		Files.writeString(this.folder.resolve("jdk"), "17.0.1+1");

		WorkerImage found = WorkerImage.existing(this.folder);

		assertThat(found.jar()).isRegularFile();
		assertThat(found.aotCache()).isNull();
		Path empty = Files.createDirectory(this.folder.resolve("empty"));
		assertThatIOException().isThrownBy(() -> WorkerImage.workerClasses(empty.toUri()))
			.withMessageContaining("the worker's classes are not at");
	}

	private void assertRunsTasks(WorkerCommand command) throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> command);
		List<WorkerProcess> ended = new CopyOnWriteArrayList<>();
		WorkerProcess worker = launcher.launch(Thread.ofPlatform().daemon().factory(), System::nanoTime, ended::add);
		WorkerProtocol.Reply cpu;
		WorkerProtocol.Reply sleep;
		WorkerProtocol.Reply http;
		try {
			cpu = worker.run(1, new CpuWorkload(1_000_000));
			sleep = worker.run(2, new SleepWorkload(1, 1));
			http = worker.run(3, new HttpWorkload(7));
		}
		finally {
			worker.close();
		}
		assertThat(cpu.result()).isEqualTo(CpuKernel.compute(1_000_000));
		assertThat(sleep.succeeded()).isTrue();
		assertThat(http.succeeded()).as(http.toString()).isTrue();
		assertThat(http.result()).isEqualTo(7);
		assertThat(ended).containsExactly(worker);
		assertThat(launcher.live()).isZero();
		assertThat(ProcessHandle.of(worker.pid()).filter(ProcessHandle::isAlive)).isEmpty();
	}

}
