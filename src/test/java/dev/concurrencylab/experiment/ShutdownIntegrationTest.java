package dev.concurrencylab.experiment;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.LabHttp;
import dev.concurrencylab.execution.LabThreads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the service cancels running experiments and leaves no worker process or lab
 * thread.
 */
class ShutdownIntegrationTest {

	@Test
	void stoppingTheServiceShouldKillWorkersAndCancelExperiments() throws InterruptedException {
		ConfigurableApplicationContext context = SpringApplication.run(ConcurrencyLabApplication.class,
				"--server.port=0");
		LabThreads threads = context.getBean(LabThreads.class);
		ExperimentService service = context.getBean(ExperimentService.class);
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		String location;
		try (LabHttp http = new LabHttp(port)) {
			location = http
				.post("/experiments?waitMillis=0",
						"{\"mode\":\"process-pool\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":4,"
								+ "\"concurrency\":2}")
				.header("Location");
			http.post("/experiments?waitMillis=0",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":100}");
		}
		awaitUntil(() -> ProcessHandle.current().descendants().count() >= 2);
		Experiment experiment = service.get(location.substring(location.lastIndexOf('/') + 1));

		context.close();

		assertThat(experiment.status()).isEqualTo(ExperimentStatus.CANCELLED);
		assertThat(experiment.error()).contains("shut down");
		awaitUntil(() -> ProcessHandle.current().descendants().findAny().isEmpty() && threads.live() == 0);
		assertThat(ProcessHandle.current().descendants()).isEmpty();
		assertThat(threads.live()).isZero();
	}

	private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

}
