package dev.concurrencylab.store;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says what to do when the service cannot start because another process holds its H2 file
 * store (H2 locks the file: a second instance started in the same folder, a bench's
 * second service), instead of a page of H2 stack trace.
 */
class StoreInUseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

	/** H2's "Database may be already in use". */
	private static final int DATABASE_ALREADY_OPEN = 90020;

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
		if (cause.getErrorCode() != DATABASE_ALREADY_OPEN) {
			return null;
		}
		return new FailureAnalysis(
				"The results database (an H2 file, spring.datasource.url) is in use by another process: another "
						+ "instance of the lab started in the same folder holds it.",
				"Stop the other instance, or give this one a store of its own, e.g. "
						+ "--spring.datasource.url=jdbc:h2:file:./data-2/concurrency-lab (jdbc:h2:mem:lab keeps "
						+ "nothing), or let several instances share one PostgreSQL (README: Results that last).",
				cause);
	}

}
