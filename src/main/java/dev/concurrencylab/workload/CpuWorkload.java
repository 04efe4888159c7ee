package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Computes {@code iterations} rounds of the {@link CpuKernel}; its result is the kernel's
 * checksum.
 */
public record CpuWorkload(long iterations) implements Workload {

	static final String TYPE = "cpu";

	@JsonCreator
	public CpuWorkload(@JsonProperty(value = "iterations", required = true) long iterations) {
		this.iterations = iterations;
	}

	@Override
	public String typeId() {
		return TYPE;
	}

	@Override
	public long waitMillisPerTask() {
		return 0;
	}

	@Override
	public long iterationsPerTask() {
		return this.iterations;
	}

}
