package dev.concurrencylab.execution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.workload.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class TaskLogCodecTest {

	@Test
	void aLogReadBackShouldAnswerEveryQuestionAsTheOriginalDid() throws Exception {
		TaskLog log = new TaskLog(1_000, true, true, true);
		log.enableLockWaits();
		log.enableProcesses();
		log.cpuEstimate(12_345);
		Thread platform = Thread.currentThread();
		Thread virtual = Thread.ofVirtual().unstarted(() -> {
		});
		for (int task = 0; task < log.size(); task++) {
			log.queued(task, task * 1_000L);
			if (task % 10 == 9) {
				log.cancel(task, 5_000_000L + task, "Cancelled on request");
				continue;
			}
			if (task % 10 == 8) {
				log.drop(task, 7_000_000L, "Dropped: waited more than 1000 ms");
				continue;
			}
			if (task % 10 == 7) {
				continue; // never started: PENDING
			}
			log.start(task, task * 1_000L + 17, (task % 2 == 0) ? platform : virtual);
			log.addPhase(task, Phase.WAITING, 20_000_000L + task);
			log.addPhase(task, Phase.COMPUTING, 3_000_000L);
			log.addPhase(task, Phase.LOCK_WAIT, task * 100L);
			log.addPhase(task, Phase.POOL_WAIT, 999_999L);
			log.addCpu(task, 4_000_000L + task);
			log.worker(task, 40_000 + task % 3, (task % 3 == 0) ? 80_000_000L : -1, task * 1_000L + 17);
			log.spawnCpu(task, (task % 3 == 0) ? 60_000_000L : -1);
			if (task % 10 == 3) {
				log.finish(task, TaskState.FAILED, 30_000_000L + task, 0, "IOException: task " + (task % 4));
			}
			else if (task % 10 != 5) { // 5: left RUNNING
				log.finish(task, TaskState.SUCCEEDED, 30_000_000L + task * 7L, 0xCAFE_BABEL * task, null);
			}
		}

		TaskLog read = roundTrip(log);

		assertThat(read.size()).isEqualTo(log.size());
		assertThat(read.cpuEstimateNanos()).isEqualTo(12_345);
		assertThat(read.processes()).isTrue();
		for (Phase phase : Phase.values()) {
			assertThat(read.hasPhase(phase)).as(phase.name()).isTrue();
		}
		for (int task = 0; task < log.size(); task++) {
			assertThat(read.state(task)).as("task %d", task).isEqualTo(log.state(task));
			assertThat(read.queuedNanos(task)).isEqualTo(log.queuedNanos(task));
			assertThat(read.startNanos(task)).isEqualTo(log.startNanos(task));
			assertThat(read.endNanos(task)).isEqualTo(log.endNanos(task));
			assertThat(read.cpuNanos(task)).isEqualTo(log.cpuNanos(task));
			assertThat(read.result(task)).isEqualTo(log.result(task));
			assertThat(read.threadId(task)).isEqualTo(log.threadId(task));
			assertThat(read.threadName(task)).isEqualTo(log.threadName(task));
			assertThat(read.virtual(task)).isEqualTo(log.virtual(task));
			assertThat(read.error(task)).isEqualTo(log.error(task));
			assertThat(read.pid(task)).isEqualTo(log.pid(task));
			assertThat(read.spawnNanos(task)).isEqualTo(log.spawnNanos(task));
			assertThat(read.spawnCpuNanos(task)).isEqualTo(log.spawnCpuNanos(task));
			for (Phase phase : Phase.values()) {
				assertThat(read.phaseNanos(task, phase)).isEqualTo(log.phaseNanos(task, phase));
			}
		}
		assertThat(read.retainedBytes()).isEqualTo(log.retainedBytes());
	}

	@Test
	void aLogWithoutOptionalColumnsShouldStayWithoutThem() throws Exception {
		TaskLog log = new TaskLog(3);
		log.start(0, 5, Thread.currentThread());
		log.finish(0, TaskState.SUCCEEDED, 9, 42, null);

		TaskLog read = roundTrip(log);

		assertThat(read.processes()).isFalse();
		for (Phase phase : Phase.values()) {
			assertThat(read.hasPhase(phase)).isFalse();
		}
		assertThat(read.result(0)).isEqualTo(42);
		assertThat(read.state(1)).isEqualTo(TaskState.PENDING);
		assertThat(read.pid(0)).isEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void aMillionSimilarTasksShouldTakeAFewBytesEach() throws Exception {
		TaskLog log = new TaskLog(1_000_000);
		Thread thread = Thread.currentThread();
		for (int task = 0; task < log.size(); task++) {
			log.queued(task, 0);
			log.start(task, 1_000L * task, thread);
			log.finish(task, TaskState.SUCCEEDED, 1_000L * task + 700 + task % 50, 0, null);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TaskLogCodec.write(log, out);

		assertThat(out.size()).as("bytes for 1,000,000 tasks").isLessThan(8_000_000);
		assertThat(TaskLogCodec.read(new ByteArrayInputStream(out.toByteArray())).endNanos(999_999))
			.isEqualTo(log.endNanos(999_999));
	}

	@Test
	void bytesThatAreNoLogShouldBeRefused() {
		assertThatIOException().isThrownBy(() -> TaskLogCodec.read(new ByteArrayInputStream(new byte[] { 1, 2, 3 })));
	}

	private static TaskLog roundTrip(TaskLog log) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TaskLogCodec.write(log, out);
		return TaskLogCodec.read(new ByteArrayInputStream(out.toByteArray()));
	}

}
