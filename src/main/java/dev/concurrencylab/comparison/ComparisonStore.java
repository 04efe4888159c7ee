package dev.concurrencylab.comparison;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.concurrencylab.experiment.ExperimentStatus;
import dev.concurrencylab.store.Fingerprints;
import dev.concurrencylab.store.Replica;
import dev.concurrencylab.store.StoreProperties;

/**
 * Comparisons in the database ({@code comparisons}): written when accepted, after each
 * run, and when finished, each time with the view the API answers; a finished comparison
 * read back answers exactly as it did. Its runs are experiments, stored as such.
 */
@Component
class ComparisonStore {

	private static final Logger logger = LoggerFactory.getLogger(ComparisonStore.class);

	private static final String FINISHED = "status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

	private static final String UNFINISHED = "status IN ('QUEUED', 'RUNNING')";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Replica replica;

	private final Fingerprints fingerprints;

	private final StoreProperties limits;

	ComparisonStore(JdbcClient jdbc, JsonMapper json, Replica replica, Fingerprints fingerprints,
			StoreProperties limits) {
		this.jdbc = jdbc;
		this.json = json;
		this.replica = replica;
		this.fingerprints = fingerprints;
		this.limits = limits;
	}

	void accepted(Comparison comparison, ComparisonView view) {
		this.jdbc.sql("""
				INSERT INTO comparisons (id, sequence, replica, status, workload, tasks, label, fingerprint_id,
				    created_at, heartbeat_at, view_json)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(comparison.id(), comparison.sequence(), this.replica.id(), view.status().name(),
					view.workload().typeId(), view.tasks(), view.label(), this.fingerprints.current().id(),
					utc(view.createdAt()), utc(Instant.now()), this.json.writeValueAsString(view))
			.update();
	}

	/** Writes the comparison as it is now (after a run, or finished). */
	void update(ComparisonView view) {
		this.jdbc
			.sql("UPDATE comparisons SET status = ?, finished_at = ?, heartbeat_at = ?, view_json = ? WHERE id = ?")
			.params(view.status().name(), utc(view.finishedAt()), utc(Instant.now()),
					this.json.writeValueAsString(view), view.id())
			.update();
	}

	/** A stored comparison's view. */
	Optional<ComparisonView> find(String id) {
		return this.jdbc.sql("SELECT view_json FROM comparisons WHERE id = ?")
			.param(id)
			.query((rs, row) -> this.json.readValue(rs.getString(1), ComparisonView.class))
			.optional();
	}

	/**
	 * Asks the replica running a comparison to cancel it, and its current run; false if
	 * it had finished.
	 */
	boolean askCancel(String id) {
		boolean asked = this.jdbc.sql("UPDATE comparisons SET cancel_requested = TRUE WHERE id = ? AND " + UNFINISHED)
			.param(id)
			.update() == 1;
		if (asked) {
			this.jdbc
				.sql("UPDATE experiments SET cancel_requested = TRUE WHERE comparison_id = ? AND status IN ('QUEUED', "
						+ "'RUNNING')")
				.param(id)
				.update();
		}
		return asked;
	}

	boolean cancelAsked(String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM comparisons WHERE id = ? AND cancel_requested")
			.param(id)
			.query(Integer.class)
			.single() > 0;
	}

	/**
	 * Marks FAILED the comparisons left unfinished by this replica's earlier life or by a
	 * replica that stopped beating.
	 */
	int abandon(boolean ownEarlierLife) {
		OffsetDateTime stale = utc(Instant.now()).minus(this.limits.staleAfter());
		record Left(String id, String viewJson, OffsetDateTime heartbeat) {
		}
		List<Left> left = this.jdbc
			.sql("SELECT id, view_json, heartbeat_at FROM comparisons WHERE " + UNFINISHED
					+ " AND (heartbeat_at < ? OR replica = ?)")
			.params(stale, ownEarlierLife ? this.replica.id() : "")
			.query((rs, row) -> new Left(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)))
			.list();
		int marked = 0;
		for (Left comparison : left) {
			ComparisonView view = this.json.readValue(comparison.viewJson(), ComparisonView.class)
				.ended(ExperimentStatus.FAILED, "The service stopped while the comparison ran.",
						comparison.heartbeat().toInstant());
			marked += this.jdbc
				.sql("UPDATE comparisons SET status = 'FAILED', finished_at = ?, view_json = ? WHERE id = ? AND "
						+ UNFINISHED)
				.params(comparison.heartbeat(), this.json.writeValueAsString(view), comparison.id())
				.update();
		}
		if (marked > 0) {
			logger.warn("Marked {} comparison(s) FAILED: the service that ran them stopped", marked);
		}
		return marked;
	}

	/** Deletes finished comparisons older than the age limit or beyond the count. */
	int enforceRetention() {
		int deleted = this.jdbc.sql("DELETE FROM comparisons WHERE " + FINISHED + " AND finished_at < ?")
			.param(utc(Instant.now()).minus(this.limits.maxAge()))
			.update();
		List<String> beyond = this.jdbc
			.sql("SELECT id FROM comparisons WHERE " + FINISHED
					+ " ORDER BY finished_at DESC, sequence DESC LIMIT 1000 OFFSET ?")
			.param(this.limits.maxComparisons())
			.query(String.class)
			.list();
		if (!beyond.isEmpty()) {
			deleted += this.jdbc.sql("DELETE FROM comparisons WHERE id IN (:ids)").param("ids", beyond).update();
		}
		return deleted;
	}

	private static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

}
