package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Computes {@code iterations} rounds, then waits {@code millis}; its result is the
 * kernel's checksum.
 */
public record MixedWorkload(long millis, long iterations) implements Workload {

	static final String TYPE = "mixed";

	@JsonCreator
	public MixedWorkload(@JsonProperty(value = "millis", required = true) long millis,
			@JsonProperty(value = "iterations", required = true) long iterations) {
		this.millis = millis;
		this.iterations = iterations;
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	@Override
	public long waitMillisPerTask() {
		return this.millis;
	}

	@Override
	public long iterationsPerTask() {
		return this.iterations;
	}

}
