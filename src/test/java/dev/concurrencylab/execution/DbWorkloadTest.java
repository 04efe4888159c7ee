package dev.concurrencylab.execution;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.concurrencylab.Awaits;
import dev.concurrencylab.LabClock;
import dev.concurrencylab.report.TaskPhases;
import dev.concurrencylab.workload.DbPool;
import dev.concurrencylab.workload.DbPools;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.WorkloadDbProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code db} workload in every mode that makes JDBC calls, on H2 in-process and, when
 * {@code LAB_TEST_WORKLOAD_DB_URL} names one (as {@code .ci/run} does), on a real
 * PostgreSQL: at most {@code poolSize} sessions serve the queries, waits for a connection
 * land in the pool-wait phase, a pool too small for its timeout fails tasks with a clear
 * error, and a deadline ends every query, connection and thread.
 */
class DbWorkloadTest {

	private static final int TASKS = 12;

	private static final int POOL = 3;

	private final LabThreads threads = new LabThreads();

	static List<WorkloadDbProperties> databases() {
		String url = System.getenv("LAB_TEST_WORKLOAD_DB_URL");
		WorkloadDbProperties h2 = new WorkloadDbProperties(null, null, null);
		return (url == null || url.isBlank()) ? List.of(h2) : List.of(h2, new WorkloadDbProperties(url,
				System.getenv("LAB_TEST_WORKLOAD_DB_USER"), System.getenv("LAB_TEST_WORKLOAD_DB_PASSWORD")));
	}

	static Stream<Arguments> runnersAndDatabases() {
		return Stream
			.of(new SequentialRunner(), new PlatformThreadsRunner(), new VirtualThreadsRunner(), new ForkJoinRunner(),
					new GilThreadsRunner(), new AsyncRunner(), new ReactiveRunner())
			.flatMap((runner) -> databases().stream().map((database) -> Arguments.of(runner, database)));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("runnersAndDatabases")
	void queriesShouldShareThePoolsConnectionsAndWaitForThemInThePoolWait(ModeRunner runner,
			WorkloadDbProperties database) throws Exception {
		DbWorkload workload = new DbWorkload(20, POOL, 30_000);
		Execution execution = run(runner, database, workload, 60_000);
		TaskLog log = execution.log();

		assertThat(IntStream.range(0, TASKS).mapToObj(log::state)).containsOnly(TaskState.SUCCEEDED);
		// The result is the session that ran the query: the pool's connections, no more.
		assertThat(IntStream.range(0, TASKS).mapToLong(log::result).distinct().count()).isBetween(1L, (long) POOL);
		for (int task = 0; task < TASKS; task++) {
			assertThat(log.phaseNanos(task, Phase.WAITING)).isGreaterThanOrEqualTo(19_000_000);
			assertThat(TaskPhases.of(log, task).total()).isEqualTo(log.endNanos(task) - log.queuedNanos(task));
		}
		int inFlight = Math.min(TASKS, execution.concurrency());
		if (inFlight > POOL) {
			// More tasks in flight than connections: some waited for one.
			assertThat(IntStream.range(0, TASKS)
				.mapToLong((task) -> log.phaseNanos(task, Phase.POOL_WAIT))
				.max()
				.orElseThrow()).isGreaterThanOrEqualTo(15_000_000);
		}
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("runnersAndDatabases")
	void aDeadlineShouldEndEveryQueryAndConnection(ModeRunner runner, WorkloadDbProperties database) throws Exception {
		DbWorkload workload = new DbWorkload(60_000, POOL, 30_000);
		Execution execution = run(runner, database, workload, 500);

		assertThat(execution.stopReason()).isEqualTo(StopReason.DEADLINE);
		assertThat(execution.progress().cancelled()).isEqualTo(TASKS);
		ModeRunnersTest.assertNoThreadLeft(this.threads);
		if (database.postgres()) {
			// The server ended the queries too: none sleeps on for its minute.
			Awaits.awaitUntil("no lab query left on the server", () -> sleepingQueries(database) == 0);
		}
	}

	private static int sleepingQueries(WorkloadDbProperties database) {
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
				database.password());
				ResultSet row = connection.createStatement()
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
							+ "AND query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()")) {
			row.next();
			return row.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("databases")
	void aTaskThatGetsNoConnectionInTimeShouldFailSayingSo(WorkloadDbProperties database) throws Exception {
		// One connection, each query 1 s, 250 ms to get it: all but the first fail.
		DbWorkload workload = new DbWorkload(1_000, 1, 250);
		ModeRunner runner = new VirtualThreadsRunner();
		Execution execution = run(runner, database, workload, 60_000);
		TaskLog log = execution.log();

		assertThat(execution.progress().completed()).isEqualTo(TASKS);
		assertThat(execution.progress().failed()).isEqualTo(TASKS - 1);
		int failed = IntStream.range(0, TASKS)
			.filter((task) -> log.state(task) == TaskState.FAILED)
			.findFirst()
			.orElseThrow();
		assertThat(log.error(failed)).contains("no connection from the pool of 1 within 250 ms");
		assertThat(log.phaseNanos(failed, Phase.POOL_WAIT)).isGreaterThanOrEqualTo(240_000_000);
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("databases")
	void aPoolClosedByAnInterruptedThreadShouldStillEndEveryThreadAndKeepTheInterrupt(WorkloadDbProperties database)
			throws Exception {
		// A cancel that interrupts the experiment's thread while it opens or closes the
		// pool (seen in the soak: HikariCP gave up closing and left two threads).
		DbPool pool = new DbPools(database).open("lab-test-db", new DbWorkload(1, POOL, 1_000),
				this.threads.platform("lab-test-db-"));
		assertThat(this.threads.live()).as("the pool's own threads").isPositive();
		Thread.currentThread().interrupt();
		pool.close();

		assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	@Test
	void aDatabaseThatCannotBeReachedShouldFailTheOpeningAndLeaveNothingBehind() {
		DbPools unreachable = new DbPools(new WorkloadDbProperties("jdbc:postgresql://127.0.0.1:1/lab", "lab", "lab"));

		assertThatThrownBy(() -> unreachable.open("lab-test-db", new DbWorkload(1, 2, 1_000),
				this.threads.platform("lab-test-db-")))
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("Connection to 127.0.0.1:1 refused");
		ModeRunnersTest.assertNoThreadLeft(this.threads);
	}

	/**
	 * Runs the workload with a pool of its own, closed after the run, as the service
	 * does.
	 */
	private Execution run(ModeRunner runner, WorkloadDbProperties database, DbWorkload workload, long timeoutMillis)
			throws Exception {
		Execution execution = execution(runner, workload, timeoutMillis);
		try (DbPool pool = new DbPools(database).open("lab-test-db", workload, this.threads.platform("lab-test-db-"))) {
			execution.database(pool);
			runner.run(execution);
			execution.finish();
		}
		return execution;
	}

	private Execution execution(ModeRunner runner, DbWorkload workload, long timeoutMillis) {
		int concurrency = Math.min(TASKS, runner.maxConcurrency(TASKS, 2, ModeRunnersTest.limits()));
		return new Execution(workload, TASKS, concurrency, timeoutMillis, "lab-test-", LabClock.SYSTEM, this.threads,
				null);
	}

}
