package dev.concurrencylab.workload;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One real HTTP GET over loopback to the service's own {@link DelayServer}, which answers
 * after {@code millis}; its result is the delay the server reports.
 */
public record HttpWorkload(long millis) implements Workload {

	static final String TYPE = "http";

	@JsonCreator
	public HttpWorkload(@JsonProperty(value = "millis", required = true) long millis) {
		this.millis = millis;
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
		return 0;
	}

}
