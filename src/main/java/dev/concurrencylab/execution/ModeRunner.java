package dev.concurrencylab.execution;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.StepsWorkload;

/**
 * One execution model. Each mode is one implementation, registered as a Spring component
 * and ordered with {@code @Order}; the rest of the lab knows modes only through this
 * interface.
 */
public interface ModeRunner {

	/** The mode's id in requests, e.g. {@code virtual-threads}. */
	String id();

	/** One sentence on what runs a task. */
	String description();

	/** The workload types this mode suits. */
	List<String> suits();

	/** Concurrency when a request names none. */
	int defaultConcurrency(int tasks, int cores);

	/** The largest concurrency a request may ask for. */
	int maxConcurrency(int tasks, int cores, LabProperties limits);

	/**
	 * How many tasks can compute at the same time with this concurrency, before the
	 * machine's capacity is applied. Modes that serialise computation answer 1.
	 */
	default int computeParallelism(int concurrency, int cores) {
		return concurrency;
	}

	/**
	 * Runs every task of the execution and returns when all have finished, when the
	 * experiment is asked to stop, or when the deadline passed (as
	 * {@link Execution#awaitTasks()} does). Before returning, normally or not, it must
	 * have ended every thread, timer and process it started.
	 * @throws InterruptedException when the experiment is cancelled
	 */
	void run(Execution execution) throws InterruptedException;

	/**
	 * Whether a task's waits block a thread of this service (sleep, a blocking call), not
	 * a timer or a worker process: what a wait inside a class initializer needs.
	 */
	default boolean waitsByBlocking() {
		return false;
	}

	/**
	 * Whether this mode runs the {@code db} workload's JDBC calls, which block the thread
	 * that makes them: the blocking modes, and the callback modes that hand them to
	 * threads of their own.
	 */
	default boolean callsJdbc() {
		return waitsByBlocking();
	}

	/**
	 * Whether this mode runs the {@code file} workload, whose I/O blocks the thread that
	 * makes it: the blocking modes, and the process modes (in their workers).
	 */
	default boolean acceptsFiles() {
		return waitsByBlocking();
	}

	/**
	 * The kinds of step a {@code steps} workload may have in this mode: all of them where
	 * a task blocks a thread of its own, none by default.
	 */
	default Set<StepsWorkload.Kind> stepKinds() {
		return waitsByBlocking() ? EnumSet.allOf(StepsWorkload.Kind.class) : EnumSet.noneOf(StepsWorkload.Kind.class);
	}

	/**
	 * Whether this mode takes the open model: tasks released at their arrival times
	 * ({@link Execution#arrive}) into its own backlog. Every mode does but one that
	 * splits a range of tasks known from the start.
	 */
	default boolean acceptsArrivals() {
		return true;
	}

}
