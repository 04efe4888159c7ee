package dev.concurrencylab.isolation;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whether a run may share the lab with other runs. Exclusive runs wait until nothing else
 * runs, and nothing else starts while they run; shared runs may overlap other shared
 * runs.
 */
public enum Isolation {

	/**
	 * Waits in QUEUED until no other run is active; nothing else starts while it runs.
	 */
	EXCLUSIVE("exclusive"),
	/** Runs beside other shared runs (up to {@code lab.max-running-experiments}). */
	SHARED("shared");

	private final String id;

	Isolation(String id) {
		this.id = id;
	}

	/** The name in requests and results. */
	public String id() {
		return this.id;
	}

	/** The isolation named {@code id}, if any. */
	public static Optional<Isolation> of(String id) {
		return Arrays.stream(values()).filter((isolation) -> isolation.id.equals(id)).findFirst();
	}

	/**
	 * The default: computation is disturbed by anything else on the machine, so it runs
	 * alone; pure waits barely use a core, so they share.
	 */
	public static Isolation defaultFor(boolean computes) {
		return computes ? EXCLUSIVE : SHARED;
	}

}
