package dev.concurrencylab.worker;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service makes its worker image after start-up, starts its workers from it, and
 * deletes it when it stops.
 */
class WorkerImagesIntegrationTest {

	@Test
	void workersShouldStartFromTheImageWhichIsGoneWhenTheServiceStops() {
		ConfigurableApplicationContext context = SpringApplication.run(ConcurrencyLabApplication.class,
				"--server.port=0");
		WorkerImages images = context.getBean(WorkerImages.class);
		Path folder;
		try (LabHttp http = new LabHttp(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")))) {
			Awaits.awaitUntil("the worker image made", () -> images.current() != null);
			WorkerImage image = images.current();
			folder = image.jar().getParent();
			assertThat(image.aotCache()).isNotNull();
			String location = http
				.post("/experiments?waitMillis=0",
						"{\"mode\":\"process-pool\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":2,"
								+ "\"concurrency\":2}")
				.header("Location");
			Awaits.awaitUntil("two workers", () -> workers().size() == 2);

			for (ProcessHandle worker : workers()) {
				List<String> arguments = List.of(worker.info().arguments().orElseThrow());
				assertThat(arguments).contains("-XX:AOTCache=" + image.aotCache(), image.jar().toString());
			}
			assertThat(http.delete(location).status()).isEqualTo(202);
		}
		finally {
			context.close();
		}
		assertThat(folder).doesNotExist();
		Awaits.awaitUntil("every worker reaped", () -> ProcessHandle.current().descendants().findAny().isEmpty());
	}

	private static List<ProcessHandle> workers() {
		return ProcessHandle.current()
			.children()
			.filter((child) -> child.info()
				.arguments()
				.map(List::of)
				.orElse(List.of())
				.contains(WorkerMain.class.getName()))
			.toList();
	}

}
