package dev.concurrencylab.workload;

/**
 * Where {@link BlockingWork} adds up the phases of a task, and the clock it times them
 * with. Called from the task's own thread.
 */
public interface PhaseSink {

	/** Times nothing. */
	PhaseSink NONE = new PhaseSink() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public void add(int task, Phase phase, long nanos) {
		}

	};

	/** The clock the phases are timed with. */
	long nanoTime();

	/** Adds {@code nanos} to a phase of {@code task}. */
	void add(int task, Phase phase, long nanos);

}
