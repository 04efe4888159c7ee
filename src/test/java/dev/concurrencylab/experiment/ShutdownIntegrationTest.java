package dev.concurrencylab.experiment;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.Awaits;
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
	void stoppingTheServiceShouldKillWorkersAndCancelExperiments() {
		ConfigurableApplicationContext context = SpringApplication.run(ConcurrencyLabApplication.class,
				"--server.port=0");
		LabThreads threads = context.getBean(LabThreads.class);
		ExperimentService service = context.getBean(ExperimentService.class);
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		String pool;
		String waits;
		try (LabHttp http = new LabHttp(port)) {
			pool = http
				.post("/experiments?waitMillis=0",
						"{\"mode\":\"process-pool\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":4,"
								+ "\"concurrency\":2}")
				.header("Location");
			waits = http.post("/experiments?waitMillis=0",
					"{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60000},\"tasks\":100}")
				.header("Location");
		}
		Experiment workers = service.get(pool.substring(pool.lastIndexOf('/') + 1));
		Experiment threaded = service.get(waits.substring(waits.lastIndexOf('/') + 1));
		// Precondition: both experiments have tasks running, in two live worker processes
		// and on lab threads, when the service stops.
		Awaits.awaitUntil("both experiments running their tasks", () -> inFlight(workers) == 2
				&& inFlight(threaded) == 100 && ProcessHandle.current().descendants().count() >= 2);
		assertThat(threads.live()).isPositive();

		context.close();

		assertThat(workers.status()).isEqualTo(ExperimentStatus.CANCELLED);
		assertThat(workers.error()).contains("shut down");
		assertThat(threaded.status()).isEqualTo(ExperimentStatus.CANCELLED);
		assertThat(threaded.execution().progress().cancelled()).isEqualTo(100);
		Awaits.awaitUntil("every worker process reaped and lab thread ended",
				() -> ProcessHandle.current().descendants().findAny().isEmpty() && threads.live() == 0);
	}

	private static int inFlight(Experiment experiment) {
		return (experiment.execution() != null) ? experiment.execution().progress().inFlight() : 0;
	}

}
