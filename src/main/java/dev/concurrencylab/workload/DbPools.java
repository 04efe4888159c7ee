package dev.concurrencylab.workload;

import java.sql.SQLException;
import java.util.concurrent.ThreadFactory;

import org.springframework.stereotype.Component;

/**
 * Opens the {@code db} workload's pools on the configured database
 * ({@code lab.workload-db.*}): H2 in-process unless a PostgreSQL URL is set.
 */
@Component
public class DbPools {

	private final WorkloadDbProperties database;

	public DbPools(WorkloadDbProperties database) {
		if (database.postgres() && !database.url().startsWith("jdbc:postgresql:")) {
			throw new IllegalStateException("lab.workload-db.url must be a jdbc:postgresql: URL, or be left empty "
					+ "for an H2 database in this process; it was " + database.url().split("\\?")[0]);
		}
		this.database = database;
	}

	/**
	 * Opens a full pool for one experiment.
	 * @throws SQLException when the database cannot be reached
	 */
	public DbPool open(String name, DbWorkload workload, ThreadFactory threads) throws SQLException {
		return DbPool.open(name, workload, this.database, threads);
	}

	/** Which database the queries go to, without credentials or parameters. */
	public String describe() {
		return this.database.postgres() ? "PostgreSQL at " + this.database.url().split("\\?")[0]
				: "H2 in this process (a database per experiment)";
	}

}
