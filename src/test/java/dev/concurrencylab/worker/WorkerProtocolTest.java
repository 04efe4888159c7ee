package dev.concurrencylab.worker;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.Workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkerProtocolTest {

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
		WorkerProtocol.Reply done = WorkerProtocol.parseReply(WorkerProtocol.done(3, 99, 1000));
		assertThat(done.succeeded()).isTrue();
		assertThat(done.result()).isEqualTo(99);
		assertThat(done.workNanos()).isEqualTo(1000);
		WorkerProtocol.Reply failed = WorkerProtocol.parseReply(WorkerProtocol.fail(4, "no\nluck\there"));
		assertThat(failed.succeeded()).isFalse();
		assertThat(failed.task()).isEqualTo(4);
		assertThat(failed.error()).isEqualTo("no luck here");
	}

	@Test
	void garbageShouldBeRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("hello there"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("DONE\t1\t2"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReply("DONE\tx\t2\t3"));
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseRun("RUN\t1\tdisk\t0\t0\t0"));
		WorkerProtocol.parseReady("READY");
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerProtocol.parseReady("READY?"));
	}

}
