package dev.concurrencylab.workload;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The database the {@code db} workload queries, bound from {@code lab.workload-db.*}.
 * Without a URL each experiment gets an H2 database in this process, made for it and gone
 * with its pool; a {@code jdbc:postgresql:} URL makes every query a real round trip to
 * PostgreSQL ({@code pg_sleep}).
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://…}, or empty for H2 in-process
 * @param username the user, for PostgreSQL
 * @param password the password, for PostgreSQL
 */
@ConfigurationProperties("lab.workload-db")
public record WorkloadDbProperties(String url, String username, String password) {

	/** Whether the workload's database is PostgreSQL rather than H2 in-process. */
	public boolean postgres() {
		return this.url != null && !this.url.isBlank();
	}

}
