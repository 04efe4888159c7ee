package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Waits {@code millis}, {@code steps} times: the stand-in for I/O. Its result is the
 * number of steps waited. {@code in} says where the wait blocks: in an ordinary method,
 * or inside a class initializer, which pins a virtual thread to its carrier.
 */
public record SleepWorkload(long millis, int steps, Place in) implements Workload {

	static final String TYPE = "sleep";

	/** Where a sleep blocks its thread. */
	public enum Place {

		/** In an ordinary method: a virtual thread unmounts from its carrier. */
		@JsonProperty("method")
		METHOD,
		/**
		 * Inside a class's static initializer, run for each wait by a freshly defined
		 * class: a virtual thread stays pinned to its carrier (JDK 25, after JEP 491).
		 */
		@JsonProperty("class-initializer")
		CLASS_INITIALIZER

	}

	/** A sleep in an ordinary method. */
	public SleepWorkload(long millis, int steps) {
		this(millis, steps, Place.METHOD);
	}

	@JsonCreator
	static SleepWorkload of(@JsonProperty(value = "millis", required = true) long millis,
			@JsonProperty("steps") Integer steps, @JsonProperty("in") Place in) {
		return new SleepWorkload(millis, (steps != null) ? steps : 1, (in != null) ? in : Place.METHOD);
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	@Override
	public long waitMillisPerTask() {
		return this.millis * this.steps;
	}

	@Override
	public long iterationsPerTask() {
		return 0;
	}

}
