package dev.concurrencylab.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

/**
 * One experiment's HikariCP pool for the {@code db} workload, and the query each task
 * runs through it. Opened full (every connection made before the experiment's clock
 * starts) and closed by its owner when the experiment ends, which closes every connection
 * and ends the pool's threads; with H2 in-process the database goes with it.
 */
public final class DbPool implements AutoCloseable {

	/** The H2 function that sleeps on the database side, defined by each H2 pool. */
	private static final String H2_SLEEP = "CREATE ALIAS IF NOT EXISTS LAB_SLEEP FOR '" + DbPool.class.getName()
			+ ".sleep'";

	/** How long closing keeps cancelling queries that still run. */
	private static final long CLOSE_GRACE_MILLIS = 5_000;

	/** How long stopping keeps cancelling queries that still run. */
	private static final long CANCEL_GRACE_MILLIS = 5_000;

	/** Extra seconds of the JDBC query timeout beyond the query's own sleep. */
	private static final int QUERY_TIMEOUT_SLACK_SECONDS = 10;

	private final HikariDataSource source;

	private final boolean postgres;

	private final int size;

	private final long connectionTimeoutMillis;

	/** Statements executing now, cancelled when the experiment stops. */
	private final Set<PreparedStatement> running = ConcurrentHashMap.newKeySet();

	/** Set when the experiment stops: no query starts after it. */
	private volatile boolean stopped;

	private DbPool(HikariDataSource source, boolean postgres, int size, long connectionTimeoutMillis) {
		this.source = source;
		this.postgres = postgres;
		this.size = size;
		this.connectionTimeoutMillis = connectionTimeoutMillis;
	}

	/**
	 * Opens a pool of {@code workload.poolSize()} connections named {@code name} whose
	 * threads come from {@code threads}, and makes every connection before it returns.
	 * @throws SQLException when the database cannot be reached; nothing is left open
	 */
	static DbPool open(String name, DbWorkload workload, WorkloadDbProperties database, ThreadFactory threads)
			throws SQLException {
		int size = Math.toIntExact(workload.poolSize());
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		if (database.postgres()) {
			config.setJdbcUrl(database.url());
			config.setUsername(database.username());
			config.setPassword(database.password());
		}
		else {
			// Made for this pool and dropped when its last connection closes.
			config.setJdbcUrl("jdbc:h2:mem:" + name);
			config.setUsername("sa");
			config.setPassword("");
		}
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(size);
		config.setConnectionTimeout(workload.connectionTimeoutMillis());
		config.setThreadFactory(threads);
		HikariDataSource source;
		try {
			source = new HikariDataSource(config);
		}
		catch (HikariPool.PoolInitializationException ex) {
			// Its first connection failed; HikariCP has ended what it started.
			throw new SQLException((ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage(), ex);
		}
		DbPool pool = new DbPool(source, database.postgres(), size, workload.connectionTimeoutMillis());
		try {
			pool.fill();
		}
		catch (SQLException | RuntimeException ex) {
			pool.close();
			throw ex;
		}
		return pool;
	}

	/**
	 * Takes every connection at once (making those not made yet), then gives them back.
	 */
	private void fill() throws SQLException {
		List<Connection> taken = new ArrayList<>(this.size);
		try {
			for (int i = 0; i < this.size; i++) {
				Connection connection = this.source.getConnection();
				taken.add(connection);
				if (i == 0 && !this.postgres) {
					try (var statement = connection.createStatement()) {
						statement.execute(H2_SLEEP);
					}
				}
			}
		}
		finally {
			for (Connection connection : taken) {
				connection.close();
			}
		}
	}

	/** The pool's connections. */
	public int size() {
		return this.size;
	}

	/**
	 * Runs one task's query: waits for a connection (the task's {@link Phase#POOL_WAIT},
	 * counted from {@code askedAtNanos}), then the query that sleeps {@code millis} on
	 * the database side ({@link Phase#WAITING}). Answers the database session that ran
	 * it.
	 * @throws SQLException when no connection came within the timeout, or the query
	 * failed
	 */
	public long query(int task, long millis, long askedAtNanos, PhaseSink phases) throws SQLException {
		Connection connection;
		try {
			connection = this.source.getConnection();
		}
		catch (SQLTransientConnectionException ex) {
			throw new SQLTransientConnectionException(String.format(
					"no connection from the pool of %d within %d ms (connectionTimeoutMillis): every connection was "
							+ "in use",
					this.size, this.connectionTimeoutMillis), ex);
		}
		finally {
			phases.add(task, Phase.POOL_WAIT, phases.nanoTime() - askedAtNanos);
		}
		try (connection;
				PreparedStatement statement = connection.prepareStatement(
						this.postgres ? "SELECT pg_sleep(?), pg_backend_pid()" : "SELECT LAB_SLEEP(?), SESSION_ID()")) {
			statement.setQueryTimeout(Math.toIntExact(millis / 1000 + QUERY_TIMEOUT_SLACK_SECONDS));
			if (this.postgres) {
				statement.setDouble(1, millis / 1000.0);
			}
			else {
				statement.setLong(1, millis);
			}
			long before = phases.nanoTime();
			// Added before the check: a stop either sees this statement or is seen here.
			this.running.add(statement);
			try {
				if (this.stopped) {
					throw new SQLException("the experiment is stopping: no new query");
				}
			}
			catch (SQLException ex) {
				this.running.remove(statement);
				throw ex;
			}
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getLong(2);
			}
			finally {
				this.running.remove(statement);
				phases.add(task, Phase.WAITING, phases.nanoTime() - before);
			}
		}
	}

	/**
	 * Refuses new queries and cancels those running: called before the experiment's
	 * threads are interrupted, since a platform thread reading a socket ignores an
	 * interrupt and a virtual thread's closes the socket, which leaves the query running
	 * on the server. Refusing first keeps a task that was waiting for a connection from
	 * starting a query with one a cancelled query gave back.
	 */
	public void stop() {
		this.stopped = true;
		cancelRunning();
	}

	/**
	 * Cancels the queries still running until none is, for at most
	 * {@link #CANCEL_GRACE_MILLIS}: a cancel that reached the server before its query
	 * began is lost, so it is sent again. Called after the threads were interrupted.
	 */
	public void cancelUntilEnded() {
		long giveUpAt = System.nanoTime() + CANCEL_GRACE_MILLIS * 1_000_000;
		boolean interrupted = false;
		while (!this.running.isEmpty() && System.nanoTime() < giveUpAt) {
			cancelRunning();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void cancelRunning() {
		for (PreparedStatement statement : this.running) {
			try {
				statement.cancel();
			}
			catch (SQLException | RuntimeException ex) {
				// Already done or closed: nothing left to cancel.
			}
		}
	}

	/**
	 * Ends every query, closes every connection and ends the pool's threads. An interrupt
	 * (a cancel that came while the pool was being opened or closed) is kept for the
	 * caller, not allowed to cut the closing short: HikariCP would leave its threads.
	 */
	@Override
	public void close() {
		boolean interrupted = Thread.interrupted();
		try {
			stop();
			cancelUntilEnded();
			this.source.close();
		}
		finally {
			if (interrupted || Thread.interrupted()) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The H2 function {@code LAB_SLEEP(millis)}: sleeps on the database side, in the
	 * thread that runs the query. Answers the milliseconds asked.
	 * @throws InterruptedException when the query's thread is interrupted
	 */
	public static long sleep(long millis) throws InterruptedException {
		Thread.sleep(millis);
		return millis;
	}

}
