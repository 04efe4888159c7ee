package dev.concurrencylab.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.OptionalInt;

import org.springframework.core.env.Environment;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * The cap on experiments queued or running at once, across every replica that shares the
 * store: {@code lab.max-running-experiments} rows of {@code run_slots}, each taken by one
 * experiment with a compare-and-set update (the database's row lock decides between two
 * replicas that try the same slot). A replica beats for its slots; a slot whose replica
 * has not beaten for {@code lab.store.stale-after} may be taken again, and a replica that
 * starts frees the slots its earlier life held.
 */
@Component
public class RunSlots {

	private final JdbcClient jdbc;

	private final int slots;

	private final String replica;

	private final StoreProperties store;

	/**
	 * Whether other replicas can share the store: not an embedded H2 database, which one
	 * process alone can open (H2 locks its file). Without sharing, this process's own
	 * count is the cap and the table is not used: a tiny experiment pays no query for it.
	 */
	private final boolean shared;

	/** What {@link #acquire} gives when the store is not shared: no row is taken. */
	public static final int LOCAL = -1;

	RunSlots(JdbcClient jdbc, LabProperties limits, Replica replica, StoreProperties store, Environment environment) {
		this.jdbc = jdbc;
		this.slots = limits.maxRunningExperiments();
		this.replica = replica.id();
		this.store = store;
		this.shared = !environment.getProperty("spring.datasource.url", "").startsWith("jdbc:h2:");
		if (!this.shared) {
			return;
		}
		for (int slot = 0; slot < this.slots; slot++) {
			if (jdbc.sql("SELECT COUNT(*) FROM run_slots WHERE slot = ?")
				.param(slot)
				.query(Integer.class)
				.single() == 0) {
				try {
					jdbc.sql("INSERT INTO run_slots (slot) VALUES (?)").param(slot).update();
				}
				catch (DuplicateKeyException ex) {
					// another replica made it first
				}
			}
		}
		jdbc.sql("UPDATE run_slots SET experiment_id = NULL, replica = NULL, heartbeat_at = NULL WHERE replica = ?")
			.param(this.replica)
			.update();
	}

	/** Takes a free slot for the experiment; empty when every slot is taken. */
	public OptionalInt acquire(String experimentId) {
		if (!this.shared) {
			return OptionalInt.of(LOCAL);
		}
		OffsetDateTime now = now();
		OffsetDateTime stale = now.minus(this.store.staleAfter());
		for (int slot = 0; slot < this.slots; slot++) {
			int taken = this.jdbc
				.sql("UPDATE run_slots SET experiment_id = ?, replica = ?, heartbeat_at = ? WHERE slot = ? "
						+ "AND (experiment_id IS NULL OR heartbeat_at < ?)")
				.params(experimentId, this.replica, now, slot, stale)
				.update();
			if (taken == 1) {
				return OptionalInt.of(slot);
			}
		}
		return OptionalInt.empty();
	}

	/** Frees the experiment's slot. */
	public void release(int slot, String experimentId) {
		if (slot == LOCAL) {
			return;
		}
		this.jdbc
			.sql("UPDATE run_slots SET experiment_id = NULL, replica = NULL, heartbeat_at = NULL "
					+ "WHERE slot = ? AND experiment_id = ?")
			.params(slot, experimentId)
			.update();
	}

	/** Whether every slot is taken by a live replica now. */
	public boolean full() {
		if (!this.shared) {
			return false;
		}
		int taken = this.jdbc
			.sql("SELECT COUNT(*) FROM run_slots WHERE slot < ? AND experiment_id IS NOT NULL AND heartbeat_at >= ?")
			.params(this.slots, now().minus(this.store.staleAfter()))
			.query(Integer.class)
			.single();
		return taken >= this.slots;
	}

	/** Tells the other replicas this one still runs what it holds. */
	public void beat() {
		if (!this.shared) {
			return;
		}
		this.jdbc.sql("UPDATE run_slots SET heartbeat_at = ? WHERE replica = ? AND experiment_id IS NOT NULL")
			.params(now(), this.replica)
			.update();
	}

	private static OffsetDateTime now() {
		return OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
	}

}
