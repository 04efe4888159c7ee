package dev.concurrencylab.experiment;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.LabHttp;
import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.execution.LabThreads;
import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.machine.MachineService;
import dev.concurrencylab.metrics.LabMetrics;
import dev.concurrencylab.recording.Recordings;
import dev.concurrencylab.store.Replica;
import dev.concurrencylab.store.RunSlots;
import dev.concurrencylab.workload.DbPools;
import dev.concurrencylab.workload.DelayClient;
import dev.concurrencylab.workload.SleepWorkload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		Experiment workers = service.local(pool.substring(pool.lastIndexOf('/') + 1)).orElseThrow();
		Experiment threaded = service.local(waits.substring(waits.lastIndexOf('/') + 1)).orElseThrow();
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

	/**
	 * A start that passed its check when the shutdown began is held inside the admission
	 * gate until the shutdown waits for it; the shutdown must then see it, cancel it and
	 * log it (before the fix it swept past it: the experiment's conductor cancelled it,
	 * but the shutdown neither waited for it nor logged it, which CI caught once).
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void anExperimentAcceptedAsTheServiceStopsShouldBeCancelledByTheShutdown(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(ConcurrencyLabApplication.class,
				"--server.port=0");
		try {
			LabProperties limits = context.getBean(LabProperties.class);
			HeldGate gate = new HeldGate();
			ExperimentService service = new ExperimentService(new ExperimentRegistry(limits),
					context.getBean(MachineService.class), limits, LabClock.SYSTEM, context.getBean(LabThreads.class),
					context.getBean(DelayClient.class), context.getBean(LabMetrics.class), gate,
					context.getBean(Recordings.class), context.getBean(DbPools.class),
					context.getBean(ExperimentStore.class), context.getBean(RunSlots.class),
					context.getBean(Replica.class), context.getBean(StoreWriter.class));
			service.start();
			ExperimentSpec spec = context.getBean(ExperimentRequestValidator.class)
				.validate(new ExperimentRequest("virtual-threads", new SleepWorkload(60_000, 1), 1, 1, null, "race",
						"shared"));
			AtomicReference<Experiment> accepted = new AtomicReference<>();
			Thread poster = Thread.ofPlatform().start(() -> accepted.set(service.start(spec)));
			// Precondition: the start is past its check of the stop flag, not registered
			// yet.
			assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
			Thread stopper = Thread.ofPlatform().start(service::stop);
			Awaits.awaitUntil("the stop waiting for the start, or done without it",
					() -> stopper.getState() == Thread.State.BLOCKED || !stopper.isAlive());
			gate.release.countDown();
			poster.join();
			stopper.join();

			Experiment experiment = accepted.get();
			assertThat(experiment).isNotNull();
			Awaits.awaitUntil("the experiment ended", () -> experiment.status().isFinished());
			assertThat(experiment.status()).isEqualTo(ExperimentStatus.CANCELLED);
			assertThat(experiment.error()).contains("shut down");
			assertThat(output.getOut()).contains("Shutdown: experiment " + experiment.id() + " (virtual-threads)");
			assertThatExceptionOfType(ServiceStoppingException.class).isThrownBy(() -> service.start(spec));
			service.closeConductors();
		}
		finally {
			context.close();
		}
	}

	/** A gate that holds the first run enqueued until released. */
	private static final class HeldGate extends AdmissionGate {

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		HeldGate() {
			super(16, LabClock.SYSTEM);
		}

		@Override
		public Ticket enqueue(String kind, Isolation isolation) {
			this.entered.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.enqueue(kind, isolation);
		}

	}

	private static int inFlight(Experiment experiment) {
		return (experiment.execution() != null) ? experiment.execution().progress().inFlight() : 0;
	}

}
