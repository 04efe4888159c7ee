package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Every task runs one SQL query over JDBC through a HikariCP pool of {@code poolSize}
 * connections that the experiment opens (filled before its clock starts) and closes when
 * it ends. The query holds its connection for {@code millis} by sleeping on the database
 * side. Waiting for a connection is the task's {@code poolWait} phase, the query its
 * {@code waiting}; a task that gets no connection within {@code connectionTimeoutMillis}
 * fails. Its result is the database session that served it, so the results of a run name
 * at most {@code poolSize} sessions.
 *
 * @param millis how long each query sleeps on the database side
 * @param poolSize the pool's connections (its maximum and minimum size)
 * @param connectionTimeoutMillis how long a task waits for a connection before it fails
 */
public record DbWorkload(long millis, long poolSize, long connectionTimeoutMillis) implements Workload {

	static final String TYPE = "db";

	/** The pool size when a request names none: HikariCP's own default. */
	public static final long DEFAULT_POOL_SIZE = 10;

	/**
	 * The largest pool an experiment may open: PostgreSQL allows 100 connections by
	 * default, and other experiments may run beside this one.
	 */
	public static final long MAX_POOL_SIZE = 40;

	/** HikariCP's smallest connection timeout. */
	public static final long MIN_CONNECTION_TIMEOUT_MILLIS = 250;

	/** The connection timeout when a request names none: HikariCP's own default. */
	public static final long DEFAULT_CONNECTION_TIMEOUT_MILLIS = 30_000;

	@JsonCreator
	static DbWorkload of(@JsonProperty(value = "millis", required = true) long millis,
			@JsonProperty("poolSize") Long poolSize,
			@JsonProperty("connectionTimeoutMillis") Long connectionTimeoutMillis) {
		return new DbWorkload(millis, (poolSize != null) ? poolSize : DEFAULT_POOL_SIZE,
				(connectionTimeoutMillis != null) ? connectionTimeoutMillis : DEFAULT_CONNECTION_TIMEOUT_MILLIS);
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	@Override
	public long waitMillisPerTask() {
		return this.millis;
	}

	@Override
	public long iterationsPerTask() {
		return 0;
	}

}
