package dev.concurrencylab.execution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import dev.concurrencylab.workload.Phase;

import static org.assertj.core.api.Assertions.assertThat;

class TaskLogTest {

	private static final int ROUNDS = 200;

	private static final int TASKS = 256;

	/** Racers per round: finishers with a result, finishers with an error, cancellers. */
	private static final int RACERS = 9;

	@Test
	void racingFinishAndCancelShouldLeaveExactlyOneWinnerWhoseFieldsAreRead() throws Exception {
		try (ExecutorService pool = Executors.newFixedThreadPool(RACERS + 2)) {
			for (int round = 0; round < ROUNDS; round++) {
				race(pool, round);
			}
		}
	}

	/**
	 * One round: the first half of the tasks is running, the second half pending; a
	 * starter starts pending tasks while finishers (even racers succeed, odd ones fail)
	 * and cancellers (every third) end every task, and a reader checks that every final
	 * task it sees shows one racer's fields only.
	 */
	private void race(ExecutorService pool, int round) throws Exception {
		TaskLog log = new TaskLog(TASKS);
		for (int task = 0; task < TASKS / 2; task++) {
			assertThat(log.start(task, 1, Thread.currentThread())).isTrue();
		}
		AtomicIntegerArray winner = new AtomicIntegerArray(TASKS);
		for (int task = 0; task < TASKS; task++) {
			winner.set(task, -1);
		}
		AtomicInteger doubleWins = new AtomicInteger();
		AtomicInteger[] wins = new AtomicInteger[RACERS];
		AtomicIntegerArray cancelledFrom = new AtomicIntegerArray(TASKS);
		CountDownLatch ready = new CountDownLatch(RACERS + 2);
		CountDownLatch go = new CountDownLatch(1);
		AtomicBoolean racing = new AtomicBoolean(true);
		List<Future<?>> racers = new ArrayList<>();
		for (int racer = 0; racer < RACERS; racer++) {
			int id = racer;
			wins[id] = new AtomicInteger();
			racers.add(pool.submit(() -> {
				ready.countDown();
				go.await();
				for (int i = 0; i < TASKS; i++) {
					int task = (i + id * 37) % TASKS;
					boolean won;
					if (id % 3 == 2) {
						TaskState was = log.cancel(task, endNanos(id, task), message(id, task));
						won = was != null;
						if (won) {
							cancelledFrom.set(task, was.ordinal() + 1);
						}
					}
					else if (id % 2 == 0) {
						won = log.finish(task, TaskState.SUCCEEDED, endNanos(id, task), id, null);
					}
					else {
						won = log.finish(task, TaskState.FAILED, endNanos(id, task), id, message(id, task));
					}
					if (won) {
						wins[id].incrementAndGet();
						if (!winner.compareAndSet(task, -1, id)) {
							doubleWins.incrementAndGet();
						}
					}
				}
				return null;
			}));
		}
		Future<?> starter = pool.submit(() -> {
			ready.countDown();
			go.await();
			for (int task = TASKS / 2; task < TASKS; task++) {
				log.start(task, 2, Thread.currentThread());
			}
			return null;
		});
		AtomicInteger inconsistent = new AtomicInteger();
		AtomicInteger finalSeen = new AtomicInteger();
		Future<?> reader = pool.submit(() -> {
			ready.countDown();
			go.await();
			do {
				for (int task = 0; task < TASKS; task++) {
					TaskState state = log.state(task);
					if (state.isFinished()) {
						finalSeen.incrementAndGet();
						if (!consistent(log, task, state)) {
							inconsistent.incrementAndGet();
						}
					}
				}
			}
			while (racing.get());
			return null;
		});
		assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
		go.countDown();
		for (Future<?> racer : racers) {
			racer.get(60, TimeUnit.SECONDS);
		}
		starter.get(60, TimeUnit.SECONDS);
		racing.set(false);
		reader.get(60, TimeUnit.SECONDS);

		assertThat(doubleWins).as("round %d: tasks won twice", round).hasValue(0);
		int total = 0;
		for (AtomicInteger count : wins) {
			total += count.get();
		}
		assertThat(total).as("round %d: wins", round).isEqualTo(TASKS);
		assertThat(inconsistent).as("round %d: final tasks read with a loser's fields", round).hasValue(0);
		assertThat(finalSeen.get()).as("round %d: the reader saw final tasks", round).isPositive();
		for (int task = 0; task < TASKS; task++) {
			int id = winner.get(task);
			assertThat(id).as("round %d: task %d has a winner", round, task).isNotNegative();
			TaskState state = log.state(task);
			assertThat(state).isEqualTo(expectedState(id));
			assertThat(log.endNanos(task)).isEqualTo(endNanos(id, task));
			assertThat(consistent(log, task, state)).isTrue();
			if (cancelledFrom.get(task) == TaskState.PENDING.ordinal() + 1) {
				assertThat(log.startNanos(task)).isEqualTo(endNanos(id, task));
				assertThat(log.threadId(task)).isZero();
			}
			else {
				assertThat(log.startNanos(task)).isIn(1L, 2L);
				assertThat(log.threadId(task)).isNotZero();
			}
		}
	}

	@Test
	void cancelShouldReturnThePriorStateOrNullWhenFinished() {
		TaskLog log = new TaskLog(3);
		assertThat(log.start(1, 5, Thread.currentThread())).isTrue();
		assertThat(log.start(2, 5, Thread.currentThread())).isTrue();
		assertThat(log.finish(2, TaskState.SUCCEEDED, 9, 42, null)).isTrue();

		assertThat(log.cancel(0, 7, "stopped")).isEqualTo(TaskState.PENDING);
		assertThat(log.cancel(1, 8, "stopped")).isEqualTo(TaskState.RUNNING);
		assertThat(log.cancel(2, 10, "stopped")).isNull();

		assertThat(log.start(0, 11, Thread.currentThread())).isFalse();
		assertThat(log.finish(1, TaskState.FAILED, 12, 0, "late")).isFalse();
		assertThat(log.state(0)).isEqualTo(TaskState.CANCELLED);
		assertThat(log.startNanos(0)).isEqualTo(7);
		assertThat(log.endNanos(1)).isEqualTo(8);
		assertThat(log.error(1)).isEqualTo("stopped");
		assertThat(log.state(2)).isEqualTo(TaskState.SUCCEEDED);
		assertThat(log.result(2)).isEqualTo(42);
		assertThat(log.endNanos(2)).isEqualTo(9);
		assertThat(log.error(2)).isNull();
	}

	@Test
	void errorTableShouldStayBoundedWhenEveryTaskHasADistinctMessage() {
		int tasks = 10_000;
		TaskLog log = new TaskLog(tasks);
		int kept = TaskLog.MAX_MESSAGES;
		for (int task = 0; task < 2 * kept; task++) {
			fail(log, task, "WorkerException: worker 1234 died while running task " + task);
		}
		long bytesPastTheBound = log.retainedBytes();
		for (int task = 2 * kept; task < tasks; task++) {
			fail(log, task, "WorkerException: worker 1234 died while running task " + task);
		}

		assertThat(log.retainedBytes()).isEqualTo(bytesPastTheBound);
		assertThat(log.error(0)).isEqualTo("WorkerException: worker 1234 died while running task 0");
		assertThat(log.error(kept - 1)).isEqualTo("WorkerException: worker 1234 died while running task " + (kept - 1));
		assertThat(log.error(kept))
			.isEqualTo("WorkerException (more than 1,024 distinct error messages in this run; this one was not kept)");
		assertThat(log.error(tasks - 1)).isEqualTo(log.error(kept));
		assertThat(log.state(tasks - 1)).isEqualTo(TaskState.FAILED);
	}

	@Test
	void fallbacksShouldStayBoundedWhenEveryMessageHasADistinctKind() {
		TaskLog log = new TaskLog(3000);
		for (int task = 0; task < 3000; task++) {
			fail(log, task, "Kind" + task + ": message " + task);
		}

		assertThat(errorTableSize(log)).isEqualTo(TaskLog.MAX_MESSAGES + TaskLog.ErrorTable.MAX_FALLBACKS + 1);
		assertThat(log.error(TaskLog.MAX_MESSAGES)).startsWith("Kind" + TaskLog.MAX_MESSAGES + " (more than 1,024");
		assertThat(log.error(2999)).startsWith("An error (more than 1,024");
	}

	@Test
	void retainedBytesShouldGrowWithDistinctMessagesButNotWithRepeatedOnes() {
		TaskLog repeated = new TaskLog(1000);
		long empty = repeated.retainedBytes();
		for (int task = 0; task < 10; task++) {
			fail(repeated, task, "IllegalStateException: the delay endpoint answered HTTP 503");
		}
		long oneMessage = repeated.retainedBytes();
		for (int task = 10; task < 1000; task++) {
			repeated.cancel(task, 1, new String("IllegalStateException: the delay endpoint answered HTTP 503"));
		}

		assertThat(oneMessage).isGreaterThan(empty);
		assertThat(repeated.retainedBytes()).isEqualTo(oneMessage);
		assertThat(repeated.error(999)).isEqualTo("IllegalStateException: the delay endpoint answered HTTP 503");

		TaskLog distinct = new TaskLog(1000);
		for (int task = 0; task < 1000; task++) {
			fail(distinct, task, "IllegalStateException: the delay endpoint answered HTTP " + task);
		}
		long perMessage = "IllegalStateException: the delay endpoint answered HTTP 999".length() + 40;
		assertThat(distinct.retainedBytes()).isGreaterThan(empty + 1000 * perMessage);
	}

	@Test
	void aMillionFailedTasksShouldRetainAtMost64BytesEach() {
		int tasks = 1_000_000;
		TaskLog log = new TaskLog(tasks);
		for (int task = 0; task < tasks; task++) {
			fail(log, task, "WorkerException: worker " + (task % 5000) + " died while running task " + task);
		}

		assertThat(log.retainedBytes()).isLessThanOrEqualTo(64L * tasks);
		assertThat(log.error(tasks - 1)).startsWith("WorkerException (more than 1,024");
	}

	@Test
	void aMillionTasksPhasesShouldAddAtMost64BytesEach() {
		int tasks = 1_000_000;
		TaskLog without = new TaskLog(tasks, false, false, false);
		TaskLog with = new TaskLog(tasks, true, true, true);
		with.enableLockWaits();
		for (int task = 0; task < tasks; task++) {
			with.addPhase(task, Phase.WAITING, 1_000);
			with.addPhase(task, Phase.LOCK_WAIT, 2_000);
			with.addPhase(task, Phase.COMPUTING, 3_000);
			with.addPhase(task, Phase.POOL_WAIT, 4_000);
		}

		assertThat(with.retainedBytes() - without.retainedBytes()).isEqualTo(16L * tasks)
			.isLessThanOrEqualTo(64L * tasks);
		assertThat(with.phaseNanos(tasks - 1, Phase.COMPUTING)).isEqualTo(3_000);
		assertThat(with.phaseNanos(tasks - 1, Phase.POOL_WAIT)).isEqualTo(4_000);
		assertThat(without.phaseNanos(tasks - 1, Phase.COMPUTING)).isZero();
	}

	@Test
	void phasesShouldBeKeptToTheMicrosecondAndNeverOverflow() {
		TaskLog log = new TaskLog(1, true, false, false);
		log.addPhase(0, Phase.WAITING, 1_499);
		log.addPhase(0, Phase.WAITING, 1_500);
		assertThat(log.phaseNanos(0, Phase.WAITING)).isEqualTo(3_000);
		log.addPhase(0, Phase.WAITING, Long.MAX_VALUE / 2);
		log.addPhase(0, Phase.WAITING, Long.MAX_VALUE / 2);
		assertThat(log.phaseNanos(0, Phase.WAITING)).isEqualTo(Integer.MAX_VALUE * 1000L);
		// A phase the workload does not have is dropped.
		log.addPhase(0, Phase.COMPUTING, 5_000);
		assertThat(log.phaseNanos(0, Phase.COMPUTING)).isZero();
	}

	@Test
	void longMessagesShouldBeCut() {
		TaskLog log = new TaskLog(1);
		fail(log, 0, "x".repeat(TaskLog.MAX_MESSAGE_LENGTH + 500));

		assertThat(log.error(0)).startsWith("x".repeat(TaskLog.MAX_MESSAGE_LENGTH))
			.endsWith("(500 more characters not kept)");
	}

	@Test
	void platformThreadNamesShouldBeCountedOnce() throws Exception {
		TaskLog log = new TaskLog(2);
		long before = log.retainedBytes();
		assertThat(log.start(0, 1, Thread.currentThread())).isTrue();
		long afterOne = log.retainedBytes();
		assertThat(log.start(1, 1, Thread.currentThread())).isTrue();

		assertThat(afterOne).isGreaterThan(before + Thread.currentThread().getName().length());
		assertThat(log.retainedBytes()).isEqualTo(afterOne);
		assertThat(log.threadName(0)).isEqualTo(Thread.currentThread().getName());
		assertThat(log.virtual(0)).isFalse();

		TaskLog virtual = new TaskLog(1);
		long virtualBefore = virtual.retainedBytes();
		Thread thread = Thread.ofVirtual().start(() -> virtual.start(0, 1, Thread.currentThread()));
		thread.join();
		assertThat(virtual.state(0)).isEqualTo(TaskState.RUNNING);
		assertThat(virtual.retainedBytes()).isEqualTo(virtualBefore);
		assertThat(virtual.threadName(0)).isEqualTo("virtual-" + thread.threadId());
		assertThat(virtual.virtual(0)).isTrue();
	}

	@Test
	void processColumnsShouldRecordWorkersAndTheirStartUpCpu() {
		TaskLog log = new TaskLog(3);
		long withoutProcesses = log.retainedBytes();
		assertThat(log.processes()).isFalse();
		assertThat(log.pid(0)).isEqualTo(ProcessHandle.current().pid());
		assertThat(log.spawnNanos(0)).isEqualTo(-1);
		assertThat(log.spawnCpuNanos(0)).isEqualTo(-1);

		log.enableProcesses();
		log.start(0, 1, Thread.currentThread());
		log.worker(0, 4_194_303, 250_000_000, 2);
		log.spawnCpu(0, 400_000_000);
		log.start(1, 3, Thread.currentThread());
		log.worker(1, 4_194_303, -1, 4);

		assertThat(log.processes()).isTrue();
		assertThat(log.retainedBytes() - withoutProcesses).isGreaterThanOrEqualTo(3L * (4 + 8 + 8));
		assertThat(log.pid(0)).isEqualTo(4_194_303);
		assertThat(log.startNanos(0)).isEqualTo(2);
		assertThat(log.spawnNanos(0)).isEqualTo(250_000_000);
		assertThat(log.spawnCpuNanos(0)).isEqualTo(400_000_000);
		assertThat(log.pid(1)).isEqualTo(4_194_303);
		assertThat(log.spawnNanos(1)).isEqualTo(-1);
		assertThat(log.spawnCpuNanos(1)).isEqualTo(-1);
		assertThat(log.pid(2)).isEqualTo(ProcessHandle.current().pid());
	}

	private static void fail(TaskLog log, int task, String message) {
		assertThat(log.start(task, 1, Thread.currentThread())).isTrue();
		assertThat(log.finish(task, TaskState.FAILED, 2, 0, message)).isTrue();
	}

	private static int errorTableSize(TaskLog log) {
		Set<String> distinct = new HashSet<>();
		for (int task = 0; task < log.size(); task++) {
			if (log.error(task) != null) {
				distinct.add(log.error(task));
			}
		}
		return distinct.size();
	}

	private static long endNanos(int racer, int task) {
		return 1_000_000L * (racer + 1) + task;
	}

	private static String message(int racer, int task) {
		return "by racer " + racer + " on task " + task;
	}

	private static TaskState expectedState(int racer) {
		if (racer % 3 == 2) {
			return TaskState.CANCELLED;
		}
		return (racer % 2 == 0) ? TaskState.SUCCEEDED : TaskState.FAILED;
	}

	/** Whether a final task's end, result and error all come from the same racer. */
	private static boolean consistent(TaskLog log, int task, TaskState state) {
		long end = log.endNanos(task);
		int racer = (int) (end / 1_000_000L) - 1;
		if (racer < 0 || racer >= RACERS || end % 1_000_000L != task || expectedState(racer) != state) {
			return false;
		}
		String error = log.error(task);
		return switch (state) {
			case SUCCEEDED -> error == null && log.result(task) == racer;
			case FAILED -> message(racer, task).equals(error) && log.result(task) == racer;
			case CANCELLED -> message(racer, task).equals(error) && log.result(task) == 0;
			default -> false;
		};
	}

}
