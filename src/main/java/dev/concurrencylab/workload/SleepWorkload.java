package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Waits {@code millis}, {@code steps} times: the stand-in for I/O. Its result is the
 * number of steps waited.
 */
public record SleepWorkload(long millis, int steps) implements Workload {

	static final String TYPE = "sleep";

	@JsonCreator
	static SleepWorkload of(@JsonProperty(value = "millis", required = true) long millis,
			@JsonProperty("steps") Integer steps) {
		return new SleepWorkload(millis, (steps != null) ? steps : 1);
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
