package dev.concurrencylab.workload;

/**
 * The parts of a task's own work that the lab times from inside: what the task waited
 * for, what it computed, and how long it waited for a lock before computing. The rest of
 * a task's time (queued, a worker's start-up, ready but without a thread) is derived from
 * its timestamps.
 */
public enum Phase {

	/** The workload's own waits: a sleep, a timer, an HTTP answer. */
	WAITING,
	/** Waiting for a lock before computing: the GIL of {@code gil-threads}. */
	LOCK_WAIT,
	/** Waiting for a connection from the {@code db} workload's pool. */
	POOL_WAIT,
	/** Wall time inside the CPU kernel, on a core or waiting for one. */
	COMPUTING

}
