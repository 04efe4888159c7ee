package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Every task takes one lock shared by the whole experiment and holds it for
 * {@code holdMillis} of waiting, then {@code iterations} of computation: the tasks take
 * turns, however many threads run them. Waiting for the lock is the task's
 * {@code lockWait} phase. Its result is its turn: how many tasks held the lock before it.
 *
 * @param lock which lock: {@code synchronized} (a monitor), {@code reentrant} (an unfair
 * {@code ReentrantLock}) or {@code fair} (a fair one)
 * @param holdMillis how long a task waits while it holds the lock
 * @param iterations kernel rounds a task computes while it holds the lock
 */
public record LockWorkload(Kind lock, long holdMillis, long iterations) implements Workload {

	static final String TYPE = "lock";

	/** The lock the tasks share. */
	public enum Kind {

		/**
		 * A monitor: {@code synchronized}. On JDK 24+ a virtual thread blocked on it or
		 * waiting inside it unmounts (JEP 491).
		 */
		@JsonProperty("synchronized")
		SYNCHRONIZED,
		/**
		 * An unfair {@code ReentrantLock}: a thread that comes just as it is released may
		 * barge in.
		 */
		@JsonProperty("reentrant")
		REENTRANT,
		/** A fair {@code ReentrantLock}: first come, first served. */
		@JsonProperty("fair")
		FAIR

	}

	@JsonCreator
	static LockWorkload of(@JsonProperty("lock") Kind lock, @JsonProperty("holdMillis") Long holdMillis,
			@JsonProperty("iterations") Long iterations) {
		return new LockWorkload((lock != null) ? lock : Kind.SYNCHRONIZED, (holdMillis != null) ? holdMillis : 0,
				(iterations != null) ? iterations : 0);
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	@Override
	public long waitMillisPerTask() {
		return this.holdMillis;
	}

	@Override
	public long iterationsPerTask() {
		return this.iterations;
	}

}
