package dev.concurrencylab.experiment;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.execution.TaskLogCodec;
import dev.concurrencylab.store.Fingerprints;
import dev.concurrencylab.store.Replica;
import dev.concurrencylab.store.StoreProperties;

/**
 * Experiments in the database ({@code experiments}, {@code experiment_logs}): each is
 * written when it is accepted, beaten while it runs (its view, for the other replicas),
 * and written whole when it finishes, its view as the API answered it and its task log
 * compressed. A finished experiment read back answers exactly as it did.
 */
@Component
class ExperimentStore {

	private static final Logger logger = LoggerFactory.getLogger(ExperimentStore.class);

	static final String FINISHED = "status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')";

	static final String UNFINISHED = "status IN ('QUEUED', 'RUNNING')";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Replica replica;

	private final Fingerprints fingerprints;

	private final StoreProperties limits;

	/** Task logs read back, by id, weighed by the memory they hold. */
	private final Cache<String, TaskLog> logs;

	/**
	 * Experiments that had finished when their accepted write came, and the comparison
	 * each was a run of: their finished write inserts them.
	 */
	private final Map<String, Optional<String>> insertWhenFinished = new ConcurrentHashMap<>();

	/** One commit for the statements of one write. */
	private final TransactionTemplate transaction;

	ExperimentStore(JdbcClient jdbc, JsonMapper json, Replica replica, Fingerprints fingerprints,
			StoreProperties limits, PlatformTransactionManager transactions) {
		this.transaction = new TransactionTemplate(transactions);
		this.jdbc = jdbc;
		this.json = json;
		this.replica = replica;
		this.fingerprints = fingerprints;
		this.limits = limits;
		this.logs = Caffeine.newBuilder()
			.maximumWeight(limits.logCache().toBytes())
			.weigher((String id, TaskLog log) -> (int) Math.min(Integer.MAX_VALUE, log.retainedBytes()))
			.build();
	}

	/** A stored experiment: its view and where it runs. */
	record Stored(ExperimentView view, String replica, StoredRun run) {

		boolean finished() {
			return this.view.status().isFinished();
		}

	}

	/** Writes a newly accepted experiment. */
	void accepted(Experiment experiment, String comparisonId) {
		if (experiment.status().isFinished()) {
			// Finished before the writer came to it (a tiny experiment): its finished
			// write
			// inserts it whole, and its accepted and ended writes are saved.
			this.insertWhenFinished.put(experiment.id(), Optional.ofNullable(comparisonId));
			return;
		}
		this.transaction.executeWithoutResult((status) -> insertAccepted(experiment, comparisonId));
	}

	private void insertAccepted(Experiment experiment, String comparisonId) {
		ExperimentSpec spec = experiment.spec();
		OffsetDateTime now = now();
		this.jdbc.sql("""
				INSERT INTO experiments (id, sequence, replica, status, mode, workload, tasks, concurrency, label,
				    comparison_id, fingerprint_id, created_at, heartbeat_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(experiment.id(), experiment.sequence(), this.replica.id(), experiment.status().name(),
					spec.mode().id(), spec.workload().typeId(), spec.tasks(), spec.concurrency(), spec.label(),
					comparisonId, this.fingerprints.current().id(), utc(experiment.createdAt()), now)
			.update();
		this.jdbc.sql("INSERT INTO experiment_views (experiment_id, view_json) VALUES (?, ?)")
			.params(experiment.id(), this.json.writeValueAsString(ExperimentView.of(experiment)))
			.update();
	}

	/**
	 * Writes the view of a running experiment, for the other replicas. Each experiment's
	 * two updates are one transaction: its row stays locked until its view is written, so
	 * a view taken while it ran never lands over the final one the writer wrote meanwhile
	 * (the writer updates the row first, and the row then no longer matches).
	 */
	void beat(List<Experiment> running) {
		OffsetDateTime now = now();
		for (Experiment experiment : running) {
			ExperimentView taken = ExperimentView.of(experiment);
			if (taken.status().isFinished()) {
				// Finished since it was listed: the writer writes it whole.
				continue;
			}
			String view = this.json.writeValueAsString(taken);
			this.transaction.executeWithoutResult((status) -> {
				if (this.jdbc.sql("UPDATE experiments SET status = ?, heartbeat_at = ? WHERE id = ? AND " + UNFINISHED)
					.params(taken.status().name(), now, experiment.id())
					.update() == 1) {
					this.jdbc.sql("UPDATE experiment_views SET view_json = ? WHERE experiment_id = ?")
						.params(view, experiment.id())
						.update();
				}
			});
		}
	}

	/**
	 * Writes how a finished experiment ended (one small update), queued before its answer
	 * goes out: a list, which waits for the writes queued before it, agrees with the
	 * answer; the view, log and figures follow with {@link #finished}.
	 */
	void ended(Experiment experiment) {
		if (this.insertWhenFinished.containsKey(experiment.id())) {
			return;
		}
		this.jdbc.sql("UPDATE experiments SET status = ?, finished_at = ?, heartbeat_at = ? WHERE id = ?")
			.params(experiment.status().name(), utc(experiment.finishedAt()), now(), experiment.id())
			.update();
	}

	/** The ids among these whose cancel was asked for through another replica. */
	List<String> cancelsAsked(List<String> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("SELECT id FROM experiments WHERE cancel_requested AND id IN (:ids)")
			.param("ids", ids)
			.query(String.class)
			.list();
	}

	/**
	 * Writes a finished experiment: its task log first, then its row, so that a row that
	 * says finished has its log.
	 * @return the bytes its task log took
	 */
	long finished(Experiment experiment, TaskLog log, StoredRun run, Double capacity) {
		byte[] encoded = (log != null) ? encode(log) : null;
		Optional<String> insert = this.insertWhenFinished.remove(experiment.id());
		Long written = this.transaction.execute((status) -> {
			if (insert != null) {
				// Rolled back (its batch's transaction, which the writer then retries a
				// write at a time): the retry must insert it again.
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
					@Override
					public void afterCompletion(int completion) {
						if (completion != STATUS_COMMITTED) {
							ExperimentStore.this.insertWhenFinished.putIfAbsent(experiment.id(), insert);
						}
					}
				});
				insertAccepted(experiment, insert.orElse(null));
			}
			return writeFinished(experiment, encoded, run, capacity, insert == null);
		});
		return (written != null) ? written : 0;
	}

	private long writeFinished(Experiment experiment, byte[] encoded, StoredRun run, Double capacity,
			boolean mayHaveLog) {
		long logBytes = 0;
		if (encoded != null) {
			byte[] bytes = encoded;
			logBytes = bytes.length;
			if (mayHaveLog) {
				this.jdbc.sql("DELETE FROM experiment_logs WHERE experiment_id = ?").param(experiment.id()).update();
			}
			this.jdbc.sql("INSERT INTO experiment_logs (experiment_id, log) VALUES (?, ?)")
				.params(experiment.id(), bytes)
				.update();
		}
		String view = this.json.writeValueAsString(ExperimentView.of(experiment));
		String runJson = this.json.writeValueAsString(run);
		this.jdbc.sql("UPDATE experiment_views SET view_json = ?, run_json = ? WHERE experiment_id = ?")
			.params(view, runJson, experiment.id())
			.update();
		var summary = experiment.summary();
		Boolean interfered = (summary != null && summary.interference() != null)
				? summary.interference().otherRuns() > 0 : null;
		this.jdbc.sql("""
				UPDATE experiments SET status = ?, finished_at = ?, heartbeat_at = ?, wall_millis = ?,
				    throughput_per_second = ?, efficiency = ?, interfered = ?, capacity = ?, log_bytes = ?,
				    stored_bytes = ?
				WHERE id = ?""")
			.params(experiment.status().name(), utc(experiment.finishedAt()), now(),
					(summary != null) ? summary.wallMillis() : null,
					(summary != null) ? summary.throughputPerSecond() : null,
					(summary != null) ? summary.efficiency() : null, interfered, capacity, logBytes,
					logBytes + view.length() + runJson.length(), experiment.id())
			.update();
		return logBytes;
	}

	/** A stored experiment. */
	Optional<Stored> find(String id) {
		return this.jdbc
			.sql("SELECT v.view_json, e.replica, v.run_json FROM experiments e "
					+ "JOIN experiment_views v ON v.experiment_id = e.id WHERE e.id = ?")
			.param(id)
			.query((rs, row) -> new Stored(this.json.readValue(rs.getString(1), ExperimentView.class), rs.getString(2),
					(rs.getString(3) != null) ? this.json.readValue(rs.getString(3), StoredRun.class) : null))
			.optional();
	}

	/** A finished experiment's task log, or empty when it has none stored. */
	Optional<TaskLog> log(String id) {
		TaskLog cached = this.logs.getIfPresent(id);
		if (cached != null) {
			return Optional.of(cached);
		}
		Optional<TaskLog> log = this.jdbc.sql("SELECT log FROM experiment_logs WHERE experiment_id = ?")
			.param(id)
			.query((rs, row) -> decode(rs.getBytes(1)))
			.optional();
		log.ifPresent((read) -> this.logs.put(id, read));
		return log;
	}

	/** Asks the replica running an experiment to cancel it; false if it had finished. */
	boolean askCancel(String id) {
		return this.jdbc.sql("UPDATE experiments SET cancel_requested = TRUE WHERE id = ? AND " + UNFINISHED)
			.param(id)
			.update() == 1;
	}

	/**
	 * Marks FAILED every experiment left unfinished by this replica's earlier life, or by
	 * any replica that stopped beating: the service stopped while it ran.
	 * @return how many were marked
	 */
	int abandon(boolean ownEarlierLife) {
		OffsetDateTime stale = now().minus(this.limits.staleAfter());
		record Left(String id, String viewJson, OffsetDateTime heartbeat) {
		}
		List<Left> left = this.jdbc
			.sql("SELECT e.id, v.view_json, e.heartbeat_at FROM experiments e JOIN experiment_views v "
					+ "ON v.experiment_id = e.id WHERE e.status IN ('QUEUED', 'RUNNING') "
					+ "AND (e.heartbeat_at < ? OR e.replica = ?)")
			.params(stale, ownEarlierLife ? this.replica.id() : "")
			.query((rs, row) -> new Left(rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)))
			.list();
		int marked = 0;
		for (Left experiment : left) {
			ExperimentView view = this.json.readValue(experiment.viewJson(), ExperimentView.class);
			ExperimentView failed = view.ended(ExperimentStatus.FAILED,
					"The service stopped while it ran" + ((view.status() == ExperimentStatus.QUEUED)
							? " (it was still QUEUED: no task ran)." : "; its task timings were lost."),
					experiment.heartbeat().toInstant());
			// One transaction, as in beat(): the row stays locked until the view is
			// written.
			Integer updated = this.transaction.execute((status) -> {
				int rows = this.jdbc
					.sql("UPDATE experiments SET status = 'FAILED', finished_at = ? WHERE id = ? AND " + UNFINISHED)
					.params(experiment.heartbeat(), experiment.id())
					.update();
				if (rows == 1) {
					this.jdbc.sql("UPDATE experiment_views SET view_json = ? WHERE experiment_id = ?")
						.params(this.json.writeValueAsString(failed), experiment.id())
						.update();
				}
				return rows;
			});
			marked += (updated != null) ? updated : 0;
		}
		if (marked > 0) {
			logger.warn("Marked {} experiment(s) FAILED: the service that ran them stopped", marked);
		}
		return marked;
	}

	/** Stored experiments, newest first, filtered by status and mode when given. */
	ExperimentListView list(ExperimentStatus status, String mode, int page, int size) {
		StringBuilder where = new StringBuilder(" WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (status != null) {
			where.append(" AND status = ?");
			params.add(status.name());
		}
		if (mode != null) {
			where.append(" AND mode = ?");
			params.add(mode);
		}
		int total = this.jdbc.sql("SELECT COUNT(*) FROM experiments" + where)
			.params(params)
			.query(Integer.class)
			.single();
		List<Object> pageParams = new ArrayList<>(params);
		pageParams.add(size);
		pageParams.add((long) page * size);
		List<ExperimentListView.Item> items = this.jdbc
			.sql("SELECT id, label, status, mode, workload, tasks, concurrency, created_at, finished_at, wall_millis, "
					+ "efficiency FROM experiments" + where
					+ " ORDER BY created_at DESC, sequence DESC LIMIT ? OFFSET ?")
			.params(pageParams)
			.query((rs, row) -> new ExperimentListView.Item(rs.getString(1), rs.getString(2),
					ExperimentStatus.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getInt(6),
					rs.getInt(7), rs.getObject(8, OffsetDateTime.class).toInstant(),
					instant(rs.getObject(9, OffsetDateTime.class)), (Double) rs.getObject(10),
					(Double) rs.getObject(11), "/experiments/" + rs.getString(1)))
			.list();
		return new ExperimentListView(items, page, size, total);
	}

	/**
	 * Deletes finished experiments beyond the limits (age, count, bytes), oldest first;
	 * the newest finished one and every unfinished one stay.
	 * @return the ids deleted
	 */
	List<String> enforceRetention() {
		List<String> doomed = new ArrayList<>(this.jdbc
			.sql("SELECT id FROM experiments WHERE " + FINISHED + " AND finished_at < ? ORDER BY finished_at")
			.param(now().minus(this.limits.maxAge()))
			.query(String.class)
			.list());
		record Kept(String id, long bytes) {
		}
		var totals = this.jdbc.sql("SELECT COUNT(*), COALESCE(SUM(stored_bytes), 0) FROM experiments WHERE " + FINISHED)
			.query((rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) })
			.single();
		if (totals[0] > this.limits.maxExperiments() || totals[1] > this.limits.maxBytes().toBytes()) {
			List<Kept> newestFirst = this.jdbc
				.sql("SELECT id, stored_bytes FROM experiments WHERE " + FINISHED
						+ " ORDER BY finished_at DESC, sequence DESC")
				.query((rs, row) -> new Kept(rs.getString(1), rs.getLong(2)))
				.list();
			long bytes = 0;
			for (int i = 0; i < newestFirst.size(); i++) {
				bytes += newestFirst.get(i).bytes();
				if (i > 0 && (i >= this.limits.maxExperiments() || bytes > this.limits.maxBytes().toBytes())
						&& !doomed.contains(newestFirst.get(i).id())) {
					doomed.add(newestFirst.get(i).id());
				}
			}
		}
		for (int from = 0; from < doomed.size(); from += 500) {
			List<String> batch = doomed.subList(from, Math.min(doomed.size(), from + 500));
			this.jdbc.sql("DELETE FROM experiments WHERE id IN (:ids) AND " + FINISHED).param("ids", batch).update();
			batch.forEach(this.logs::invalidate);
		}
		return doomed;
	}

	private static byte[] encode(TaskLog log) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			TaskLogCodec.write(log, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	private static TaskLog decode(byte[] bytes) {
		try {
			return TaskLogCodec.read(new ByteArrayInputStream(bytes));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static OffsetDateTime utc(Instant instant) {
		return (instant != null) ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	private static Instant instant(OffsetDateTime time) {
		return (time != null) ? time.toInstant() : null;
	}

	private static OffsetDateTime now() {
		return utc(Instant.now());
	}

}
