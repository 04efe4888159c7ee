package dev.concurrencylab.history;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.concurrencylab.experiment.StoreWriter;

/**
 * The finished experiments in the store, as the figures history, comparisons of results
 * and exports read: one row each, never a task log. Each read first waits for the writes
 * this replica queued before it, so it sees every experiment answered before.
 */
@Component
class StoredRuns {

	private static final String COLUMNS = "id, mode, workload, tasks, concurrency, status, label, comparison_id, "
			+ "fingerprint_id, capacity, created_at, wall_millis, throughput_per_second, efficiency, interfered";

	private final JdbcClient jdbc;

	private final StoreWriter writer;

	StoredRuns(JdbcClient jdbc, StoreWriter writer) {
		this.jdbc = jdbc;
		this.writer = writer;
	}

	/**
	 * One stored experiment's figures.
	 *
	 * @param id its id
	 * @param mode its mode
	 * @param workload its workload type
	 * @param tasks its tasks
	 * @param concurrency its concurrency
	 * @param status how it ended
	 * @param label its label
	 * @param comparisonId the comparison it was a run of, or null
	 * @param fingerprintId the machine and runtime it ran on
	 * @param capacity the machine's measured parallel capacity then, or null
	 * @param createdAt when it was accepted
	 * @param wallMillis its wall time, or null when it did not run
	 * @param throughputPerSecond finished tasks per second of wall time
	 * @param efficiency ideal ÷ wall
	 * @param interfered whether other lab runs shared the machine with it
	 */
	record Run(String id, String mode, String workload, int tasks, int concurrency, String status, String label,
			String comparisonId, String fingerprintId, Double capacity, Instant createdAt, Double wallMillis,
			Double throughputPerSecond, Double efficiency, Boolean interfered) {

		boolean succeeded() {
			return "SUCCEEDED".equals(this.status) && this.wallMillis != null;
		}

	}

	/** The runs of a comparison, in the order they ran. */
	List<Run> ofComparison(String comparisonId) {
		this.writer.awaitQueued();
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM experiments WHERE comparison_id = ? ORDER BY sequence")
			.param(comparisonId)
			.query(StoredRuns::run)
			.list();
	}

	/** These experiments, in the order given; ids not stored are left out. */
	List<Run> experiments(List<String> ids) {
		this.writer.awaitQueued();
		if (ids.isEmpty()) {
			return List.of();
		}
		List<Run> found = this.jdbc.sql("SELECT " + COLUMNS + " FROM experiments WHERE id IN (:ids)")
			.param("ids", ids)
			.query(StoredRuns::run)
			.list();
		List<Run> ordered = new ArrayList<>();
		for (String id : ids) {
			found.stream().filter((run) -> run.id().equals(id)).findFirst().ifPresent(ordered::add);
		}
		return ordered;
	}

	/** Finished experiments of a scenario, newest first. */
	List<Run> history(String workload, String mode, Integer tasks, String fingerprint, int page, int size) {
		this.writer.awaitQueued();
		Where where = where(workload, mode, tasks, fingerprint);
		List<Object> params = new ArrayList<>(where.params());
		params.add(size);
		params.add((long) page * size);
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM experiments" + where.sql()
					+ " ORDER BY created_at DESC, sequence DESC LIMIT ? OFFSET ?")
			.params(params)
			.query(StoredRuns::run)
			.list();
	}

	/**
	 * How many {@link #history} finds in all; read right after it, which waited for the
	 * writes queued before.
	 */
	int count(String workload, String mode, Integer tasks, String fingerprint) {
		Where where = where(workload, mode, tasks, fingerprint);
		return this.jdbc.sql("SELECT COUNT(*) FROM experiments" + where.sql())
			.params(where.params())
			.query(Integer.class)
			.single();
	}

	private record Where(String sql, List<Object> params) {
	}

	private static Where where(String workload, String mode, Integer tasks, String fingerprint) {
		StringBuilder sql = new StringBuilder(" WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')");
		List<Object> params = new ArrayList<>();
		if (workload != null) {
			sql.append(" AND workload = ?");
			params.add(workload);
		}
		if (mode != null) {
			sql.append(" AND mode = ?");
			params.add(mode);
		}
		if (tasks != null) {
			sql.append(" AND tasks = ?");
			params.add(tasks);
		}
		if (fingerprint != null) {
			sql.append(" AND fingerprint_id = ?");
			params.add(fingerprint);
		}
		return new Where(sql.toString(), params);
	}

	private static Run run(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
				rs.getString(7), rs.getString(8), rs.getString(9), (Double) rs.getObject(10),
				rs.getObject(11, OffsetDateTime.class).toInstant(), (Double) rs.getObject(12),
				(Double) rs.getObject(13), (Double) rs.getObject(14), (Boolean) rs.getObject(15));
	}

}
