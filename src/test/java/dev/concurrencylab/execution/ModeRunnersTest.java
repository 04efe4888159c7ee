package dev.concurrencylab.execution;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.unit.DataSize;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.DelayClient;
import dev.concurrencylab.workload.DelayServer;
import dev.concurrencylab.workload.HttpWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;
import dev.concurrencylab.workload.Workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Every in-process mode, run directly (no Spring, no HTTP): results, thread kinds,
 * concurrency, deadline, cancellation, failures, and no thread left behind.
 */
class ModeRunnersTest {

	private final LabThreads threads = new LabThreads();

	static Stream<ModeRunner> runners() {
		return Stream.of(new SequentialRunner(), new PlatformThreadsRunner(), new VirtualThreadsRunner(),
				new ForkJoinRunner(), new AsyncRunner(), new ReactiveRunner(), new EventLoopRunner(),
				new GilThreadsRunner());
	}

	@ParameterizedTest
	@MethodSource("runners")
	void cpuTasksShouldAllSucceedWithTheKernelsChecksum(ModeRunner runner) throws Exception {
		Execution execution = run(runner, new CpuWorkload(2_000_000), 6, 6);

		long expected = CpuKernel.compute(2_000_000);
		assertThat(IntStream.range(0, 6).mapToObj(execution.log()::state)).allMatch((s) -> s == TaskState.SUCCEEDED);
		assertThat(IntStream.range(0, 6).mapToLong(execution.log()::result)).containsOnly(expected);
		assertNoThreadLeft();
	}

	@ParameterizedTest
	@MethodSource("runners")
	void tasksShouldRunOnTheThreadsTheModePromises(ModeRunner runner) throws Exception {
		Execution execution = run(runner, new MixedWorkload(5, 100_000), 4, 4);

		Set<String> names = new HashSet<>();
		for (int task = 0; task < 4; task++) {
			names.add(execution.log().threadName(task));
			assertThat(execution.log().virtual(task)).isEqualTo(runner.id().equals("virtual-threads"));
		}
		switch (runner.id()) {
			case "sequential" -> assertThat(names).containsExactly("lab-test-sequential-1");
			case "platform-threads" -> assertThat(names).allMatch((n) -> n.startsWith("lab-test-platform-"));
			case "virtual-threads" -> assertThat(names).hasSize(4).allMatch((n) -> n.startsWith("virtual-"));
			case "fork-join" -> assertThat(names).allMatch((n) -> n.startsWith("lab-test-forkjoin-"));
			case "async" -> assertThat(names).allMatch((n) -> n.startsWith("lab-test-async-cpu-"));
			case "reactive" -> assertThat(names).allMatch((n) -> n.startsWith("lab-test-reactive-cpu-"));
			case "event-loop" -> assertThat(names).containsExactly("lab-test-event-loop-1");
			case "gil-threads" -> assertThat(names).allMatch((n) -> n.startsWith("lab-test-gil-"));
			default -> throw new IllegalStateException(runner.id());
		}
		assertNoThreadLeft();
	}

	@ParameterizedTest
	@MethodSource("runners")
	void noMoreThanConcurrencyTasksShouldBeInFlight(ModeRunner runner) throws Exception {
		int concurrency = Math.min(3, runner.maxConcurrency(12, 2, limits()));
		Execution execution = run(runner, new SleepWorkload(20, 2), 12, concurrency);

		assertThat(execution.progress().completed()).isEqualTo(12);
		assertThat(execution.progress().peakInFlight()).isBetween(1, concurrency);
		assertThat(IntStream.range(0, 12).mapToLong(execution.log()::result)).containsOnly(2L);
		assertNoThreadLeft();
	}

	@Test
	void gilThreadsShouldOverlapWaitsAndKeepTheKernelsResults() throws Exception {
		// Four tasks of ~30 ms computing and 300 ms waiting on four threads: all four are
		// in
		// flight at once (their waits overlap) and the results equal the plain kernel's.
		Execution execution = run(new GilThreadsRunner(), new MixedWorkload(300, 20_000_000), 4, 4);

		assertThat(IntStream.range(0, 4).mapToLong(execution.log()::result))
			.containsOnly(CpuKernel.compute(20_000_000));
		assertThat(execution.progress().peakInFlight()).isEqualTo(4);
		assertNoThreadLeft();
	}

	@Test
	void eventLoopShouldRunEverythingOnOneThread() throws Exception {
		// One callback on the loop launches all 500, so no timer can complete a task
		// before the last has begun: the peak is 500 however slow the machine.
		Execution execution = run(new EventLoopRunner(), new SleepWorkload(100, 1), 500, 500);

		assertThat(execution.progress().completed()).isEqualTo(500);
		assertThat(execution.progress().peakInFlight()).isEqualTo(500);
		assertThat(IntStream.range(0, 500).mapToObj(execution.log()::threadName)).containsOnly("lab-test-event-loop-1");
		assertNoThreadLeft();
	}

	@Test
	void reactiveShouldKeepTheCapAboveTheFlatMapLimit() throws Exception {
		// Waits long enough that subscribing the first FLAT_LIMIT + 1 tasks (microseconds
		// each) is done long before any of them completes, on any machine.
		int concurrency = ReactiveRunner.FLAT_LIMIT + 500;
		Execution execution = run(new ReactiveRunner(), new SleepWorkload(500, 1), 3 * concurrency, concurrency);

		assertThat(execution.progress().completed()).isEqualTo(3 * concurrency);
		assertThat(execution.progress().peakInFlight()).isGreaterThan(ReactiveRunner.FLAT_LIMIT)
			.isLessThanOrEqualTo(concurrency);
		assertNoThreadLeft();
	}

	@Test
	void reactiveShouldHaveEveryTaskInFlightWhenTheCapAllows() throws Exception {
		// 1,500 groups of √1,500 rounded down used to leave 18 tasks for a second wave.
		Execution execution = run(new ReactiveRunner(), new SleepWorkload(500, 1), 1_500, 1_500);

		assertThat(execution.progress().completed()).isEqualTo(1_500);
		assertThat(execution.progress().peakInFlight()).isEqualTo(1_500);
		assertNoThreadLeft();
	}

	@Test
	void reactiveShouldMergeManyTasksInATreeWithEveryOneInFlight() throws Exception {
		// 20,000 tasks: three levels of at most FAN_OUT inner publishers.
		Execution execution = run(new ReactiveRunner(), new SleepWorkload(1_000, 1), 20_000, 20_000);

		assertThat(execution.progress().completed()).isEqualTo(20_000);
		assertThat(execution.progress().peakInFlight()).isEqualTo(20_000);
		assertThat(IntStream.range(0, 20_000).mapToObj(execution.log()::state)).containsOnly(TaskState.SUCCEEDED);
		assertNoThreadLeft();
	}

	@Test
	void reactiveGroupsShouldFillTheCapExactlyWhereTheyCan() {
		assertThat(ReactiveRunner.groupSize(100_000, 100_000)).isEqualTo(317);
		// 400 groups of 250 in flight: the cap of 100,000 exactly.
		assertThat(ReactiveRunner.groupSize(100_000, 1_000_000)).isEqualTo(250);
		// A prime cap has no divisor near its root: one group fewer than the cap.
		assertThat(ReactiveRunner.groupSize(10_007, 20_000)).isEqualTo(101);
	}

	@ParameterizedTest
	@MethodSource("runners")
	void theDeadlineShouldStopTheRunAndCancelUnfinishedTasks(ModeRunner runner) throws Exception {
		Execution execution = execution(runner, new SleepWorkload(10_000, 1), 4, 2, 500);

		runner.run(execution);
		execution.finish();

		// Precondition: the deadline caught tasks while they ran, not only tasks still
		// queued.
		assertThat(execution.progress().peakInFlight()).isPositive();
		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		assertThat(execution.progress().cancelled()).isEqualTo(4);
		assertThat(execution.progress().completed()).isZero();
		assertThat(execution.log().error(0)).contains("deadline of 500 ms");
		assertNoThreadLeft();
	}

	@ParameterizedTest
	@MethodSource("runners")
	void interruptingTheRunnerShouldCancelEveryTask(ModeRunner runner) throws Exception {
		Execution execution = execution(runner, new SleepWorkload(10_000, 1), 4, 2, 60_000);
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread conductor = Thread.ofPlatform().start(() -> {
			try {
				runner.run(execution);
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		Awaits.awaitUntil(runner.id() + " has tasks in flight", () -> execution.progress().inFlight() > 0);
		assertThat(IntStream.range(0, 4).mapToObj(execution.log()::state)).contains(TaskState.RUNNING);

		execution.stop(StopReason.CANCELLED);
		conductor.interrupt();
		conductor.join(Duration.ofSeconds(20));
		execution.finish();

		assertThat(conductor.isAlive()).isFalse();
		assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
		assertThat(execution.progress().cancelled()).isEqualTo(4);
		assertThat(execution.progress().completed()).isZero();
		assertNoThreadLeft();
	}

	@ParameterizedTest
	@MethodSource("runners")
	void aFailingTaskShouldFailWithAReadableErrorAndTheOthersGoOn(ModeRunner runner) throws Exception {
		// No web server: every http task fails at once, with a sentence saying why.
		DelayClient noServer = new DelayClient(null);
		try {
			Execution execution = new Execution(new HttpWorkload(10), 3, 3, 60_000, "lab-test-", LabClock.SYSTEM,
					this.threads, noServer);
			runner.run(execution);
			execution.finish();

			assertThat(execution.progress().failed()).isEqualTo(3);
			assertThat(execution.log().error(2)).contains("delay server has not started");
		}
		finally {
			noServer.close();
		}
		assertNoThreadLeft();
	}

	/** The modes whose HTTP calls do not block a thread. */
	static Stream<ModeRunner> asynchronousHttp() {
		return Stream.of(new AsyncRunner(), new ReactiveRunner(), new EventLoopRunner());
	}

	@ParameterizedTest
	@MethodSource("asynchronousHttp")
	void aCancelShouldCloseEveryHttpCallStillWaiting(ModeRunner runner) throws Exception {
		// A server that takes every request and never answers.
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			DelayServer server = mock(DelayServer.class);
			given(server.baseUrl()).willReturn("http://127.0.0.1:" + listener.getLocalPort() + "/delay?millis=");
			List<Socket> accepted = new CopyOnWriteArrayList<>();
			Thread acceptor = Thread.ofPlatform().start(() -> {
				try {
					while (true) {
						accepted.add(listener.accept());
					}
				}
				catch (IOException ex) {
					// The listener closed.
				}
			});
			try (DelayClient client = new DelayClient(server)) {
				Execution execution = new Execution(new HttpWorkload(60_000), 3, 3, 60_000, "lab-test-",
						LabClock.SYSTEM, this.threads, client);
				Thread conductor = Thread.ofPlatform().start(() -> {
					try {
						runner.run(execution);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				Awaits.awaitUntil(runner.id() + ": three requests waiting",
						() -> accepted.size() == 3 && execution.resources().callsInFlight() == 3);

				execution.stop(StopReason.CANCELLED);
				conductor.join(Awaits.PATIENCE);
				execution.finish();

				assertThat(conductor.isAlive()).isFalse();
				assertThat(execution.progress().cancelled()).isEqualTo(3);
				assertThat(execution.resources().callsInFlight()).isZero();
				for (Socket connection : accepted) {
					// The client closed it: the server reads its end (or a reset).
					connection.setSoTimeout((int) Awaits.PATIENCE.toMillis());
					assertThat(endOf(connection)).isTrue();
				}
			}
			finally {
				listener.close();
				acceptor.join(Awaits.PATIENCE);
				for (Socket connection : accepted) {
					connection.close();
				}
			}
		}
		assertNoThreadLeft();
	}

	/** Reads a connection to its end: true at its end or a reset, false never. */
	private static boolean endOf(Socket connection) throws IOException {
		try {
			InputStream in = connection.getInputStream();
			while (in.read() != -1) {
				// The rest of the request.
			}
			return true;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	@ParameterizedTest
	@MethodSource("runners")
	void aCancelledTaskShouldNotStartAfterTheStop(ModeRunner runner) throws Exception {
		Execution execution = execution(runner, new SleepWorkload(0, 1), 5, 1, 60_000);
		execution.stop(StopReason.CANCELLED);
		assertThat(execution.stopping()).isTrue();

		runner.run(execution);
		execution.finish();

		assertThat(execution.progress().peakInFlight()).isZero();
		assertThat(execution.progress().cancelled()).isEqualTo(5);
		assertThat(IntStream.range(0, 5).mapToObj(execution.log()::state)).containsOnly(TaskState.CANCELLED);
		assertNoThreadLeft();
	}

	private Execution run(ModeRunner runner, Workload workload, int tasks, int concurrency) throws Exception {
		Execution execution = execution(runner, workload, tasks, concurrency, 60_000);
		runner.run(execution);
		execution.finish();
		return execution;
	}

	private Execution execution(ModeRunner runner, Workload workload, int tasks, int concurrency, long timeoutMillis) {
		int allowed = Math.min(concurrency, runner.maxConcurrency(tasks, 2, limits()));
		return new Execution(workload, tasks, allowed, timeoutMillis, "lab-test-", LabClock.SYSTEM, this.threads, null);
	}

	/** The service's default limits. */
	static LabProperties limits() {
		return new LabProperties(1_000_000, 10, 60_000, 100, 10_000_000_000L, 2000, 4, 600_000, 300_000, 600_000,
				30_000, 4, 200, DataSize.ofMegabytes(512), 100, DataSize.ofKilobytes(64), 100_000, 2000);
	}

	/** Lab threads end after their executor reports termination; give them a moment. */
	private void assertNoThreadLeft() {
		assertNoThreadLeft(this.threads);
	}

	/** Fails unless every lab thread, counted or named {@code lab-test-}, has ended. */
	static void assertNoThreadLeft(LabThreads threads) {
		Awaits.awaitUntil("every lab thread ended", () -> threads.live() == 0
				&& Thread.getAllStackTraces().keySet().stream().noneMatch((t) -> t.getName().startsWith("lab-test-")));
		assertThat(threads.live()).isZero();
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((t) -> t.getName().startsWith("lab-test-"));
	}

	/**
	 * Waits for a condition and fails the test if it does not hold in time; kept for the
	 * worker-mode tests, new code calls {@link Awaits} directly.
	 */
	static void awaitUntil(BooleanSupplier condition) {
		Awaits.awaitUntil("condition", condition);
	}

}
