package dev.concurrencylab.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A request's profile: every task does the same ordered steps, e.g. {@code [{"wait":5},
 * {"db":20}, {"cpu":2000000}, {"http":30}]}. {@code wait} sleeps, {@code cpu} computes
 * that many kernel rounds, {@code http} calls the delay endpoint, {@code db} runs a query
 * of that many milliseconds through the experiment's pool of {@code poolSize}
 * connections, {@code lock} holds the experiment's lock for that many milliseconds,
 * {@code file} reads that many KiB of the experiment's file. Each step's time lands in
 * its phase. The result is the number of steps done.
 *
 * @param steps the steps, in order (1 to {@value #MAX_STEPS})
 * @param poolSize the pool's connections, for {@code db} steps
 * @param connectionTimeoutMillis how long a {@code db} step waits for a connection
 */
public record StepsWorkload(List<Step> steps, long poolSize, long connectionTimeoutMillis) implements Workload {

	static final String TYPE = "steps";

	/** The most steps a task may have. */
	public static final int MAX_STEPS = 16;

	/** What a step does. */
	public enum Kind {

		/** Sleep, milliseconds. */
		WAIT("wait"),
		/** Compute, kernel rounds. */
		CPU("cpu"),
		/** Call the delay endpoint, milliseconds. */
		HTTP("http"),
		/** A query through the pool, milliseconds. */
		DB("db"),
		/** Hold the experiment's lock, milliseconds. */
		LOCK("lock"),
		/** Read the experiment's file, KiB. */
		FILE("file");

		private final String key;

		Kind(String key) {
			this.key = key;
		}

		public String key() {
			return this.key;
		}

		static Kind of(String key) {
			for (Kind kind : values()) {
				if (kind.key.equals(key)) {
					return kind;
				}
			}
			String shown = (key.length() <= 40) ? key : key.substring(0, 39) + "…";
			throw new IllegalArgumentException("unknown step '" + shown + "': use wait, cpu, http, db, lock or file");
		}

	}

	/**
	 * One step.
	 *
	 * @param kind what it does
	 * @param amount milliseconds, kernel rounds or KiB
	 */
	public record Step(Kind kind, long amount) {

		@JsonCreator(mode = JsonCreator.Mode.DELEGATING)
		public static Step of(Map<String, Long> step) {
			if (step == null || step.size() != 1) {
				throw new IllegalArgumentException(
						"each step is one field, e.g. {\"wait\": 20}, {\"cpu\": 1000000} or {\"db\": 5}");
			}
			Map.Entry<String, Long> only = step.entrySet().iterator().next();
			if (only.getValue() == null) {
				throw new IllegalArgumentException("step '" + only.getKey() + "' needs a number");
			}
			return new Step(Kind.of(only.getKey()), only.getValue());
		}

		@JsonValue
		Map<String, Long> json() {
			return Map.of(this.kind.key(), this.amount);
		}

	}

	public StepsWorkload {
		steps = List.copyOf(steps);
	}

	@JsonCreator
	static StepsWorkload of(@JsonProperty(value = "steps", required = true) List<Step> steps,
			@JsonProperty("poolSize") Long poolSize,
			@JsonProperty("connectionTimeoutMillis") Long connectionTimeoutMillis) {
		if (steps == null || steps.contains(null)) {
			throw new IllegalArgumentException("steps must be a list of steps");
		}
		return new StepsWorkload(steps, (poolSize != null) ? poolSize : DbWorkload.DEFAULT_POOL_SIZE,
				(connectionTimeoutMillis != null) ? connectionTimeoutMillis
						: DbWorkload.DEFAULT_CONNECTION_TIMEOUT_MILLIS);
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	/** The nominal waits: wait, http, db and lock steps. */
	@Override
	public long waitMillisPerTask() {
		long millis = 0;
		for (Step step : this.steps) {
			if (step.kind() != Kind.CPU && step.kind() != Kind.FILE) {
				millis += step.amount();
			}
		}
		return millis;
	}

	@Override
	public long iterationsPerTask() {
		return total(Kind.CPU);
	}

	/** The sum of the amounts of one kind of step. */
	public long total(Kind kind) {
		long sum = 0;
		for (Step step : this.steps) {
			if (step.kind() == kind) {
				sum += step.amount();
			}
		}
		return sum;
	}

	public boolean has(Kind kind) {
		return this.steps.stream().anyMatch((step) -> step.kind() == kind);
	}

	/** The kinds of its steps, in order, each once. */
	public List<Kind> kinds() {
		List<Kind> kinds = new ArrayList<>();
		for (Step step : this.steps) {
			if (!kinds.contains(step.kind())) {
				kinds.add(step.kind());
			}
		}
		return kinds;
	}

	/**
	 * The pool its {@code db} steps query through, as a {@code db} workload would have
	 * it.
	 */
	public DbWorkload pool() {
		return new DbWorkload(0, this.poolSize, this.connectionTimeoutMillis);
	}

	/** The file its {@code file} steps read: as large as the largest. */
	public FileWorkload file() {
		long largest = 1;
		for (Step step : this.steps) {
			if (step.kind() == Kind.FILE) {
				largest = Math.max(largest, step.amount());
			}
		}
		return new FileWorkload(FileWorkload.Op.READ, largest);
	}

}
