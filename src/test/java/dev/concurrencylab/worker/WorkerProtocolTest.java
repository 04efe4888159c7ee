package dev.concurrencylab.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.Workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkerProtocolTest {

	private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

	@Test
	void everyWorkloadShouldSurviveTheRoundTrip() {
		for (Workload workload : new Workload[] { new SleepWorkload(10, 3), new CpuWorkload(5_000_000_000L),
				new MixedWorkload(20, 7), new HttpWorkload(100) }) {
			WorkerProtocol.Request request = WorkerProtocol.parseRun(WorkerProtocol.run(42, workload));
			assertThat(request.task()).isEqualTo(42);
			assertThat(request.workload()).isEqualTo(workload);
		}
	}

	@Test
	void repliesShouldParseAndFailuresKeepTheirMessageOnOneLine() {
		WorkerProtocol.Reply done = WorkerProtocol.parseReply(WorkerProtocol.done(3, 99, 1000, 800, 0, 900));
		assertThat(done.succeeded()).isTrue();
		assertThat(done.task()).isEqualTo(3);
		assertThat(done.result()).isEqualTo(99);
		assertThat(done.workNanos()).isEqualTo(1000);
		assertThat(done.cpuNanos()).isEqualTo(800);
		assertThat(done.waitNanos()).isZero();
		assertThat(done.computeNanos()).isEqualTo(900);
		WorkerProtocol.Reply failed = WorkerProtocol
			.parseReply(WorkerProtocol.fail(4, 500, -1, 300, 0, "no\nluck\there"));
		assertThat(failed.succeeded()).isFalse();
		assertThat(failed.task()).isEqualTo(4);
		assertThat(failed.workNanos()).isEqualTo(500);
		assertThat(failed.cpuNanos()).isEqualTo(-1);
		assertThat(failed.waitNanos()).isEqualTo(300);
		assertThat(failed.error()).isEqualTo("no luck here");
	}

	@Test
	void aRealWorkerShouldMeasureACpuTasksThreadCpuTimeItself() throws Exception {
		WorkerLauncher launcher = new WorkerLauncher(1, () -> new WorkerCommand(List.of(JAVA, "-XX:+UseSerialGC",
				"-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName())));
		List<WorkerProcess> ended = new CopyOnWriteArrayList<>();
		WorkerProcess worker = launcher.launch(Thread.ofPlatform().daemon().factory(), System::nanoTime, ended::add);
		WorkerProtocol.Reply reply;
		try {
			reply = worker.run(7, new CpuWorkload(20_000_000));
		}
		finally {
			worker.close();
		}

		assertThat(reply.succeeded()).isTrue();
		assertThat(reply.result()).isEqualTo(CpuKernel.compute(20_000_000));
		// Measured by the worker around the work alone: one thread's CPU time fits in
		// the work's wall time (the CPU window nests in it; a microsecond of slack for
		// the two clocks).
		assertThat(reply.cpuNanos()).isPositive().isLessThanOrEqualTo(reply.workNanos() + 1_000);
		// Its phases: all computing, nested in the work, no wait.
		assertThat(reply.computeNanos()).isPositive().isLessThanOrEqualTo(reply.workNanos());
		assertThat(reply.waitNanos()).isZero();
		assertThat(ended).containsExactly(worker);
		// The start-up CPU: the worker's OS total before it exited, minus the task's.
		assertThat(worker.spawnCpuNanos()).isPositive();
		assertThat(launcher.live()).isZero();
		assertThat(launcher.freeSlots()).isEqualTo(1);
		assertThat(ProcessHandle.of(worker.pid()).filter(ProcessHandle::isAlive)).isEmpty();
	}

	@Test
	void garbageShouldBeRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("hello there"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("DONE\t1\t2\t3"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("DONE\tx\t2\t3\t4\t5\t6"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("FAIL\t1\tno numbers"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseRun("RUN\t1\tdisk\t0\t0\t0"));
		WorkerProtocol.parseReady("READY");
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReady("READY?"));
	}

}
