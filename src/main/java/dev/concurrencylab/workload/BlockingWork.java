package dev.concurrencylab.workload;

/**
 * A task's work done by blocking the calling thread: waits sleep, HTTP calls block on the
 * answer. Used by the blocking modes and by worker processes alike; a mode that changes
 * how computing or waiting behaves (the GIL model) overrides one method. Each wait and
 * each computation is timed and added to the task's {@link Phase}s, also when it ends
 * with an exception.
 */
public class BlockingWork {

	/** A blocking call to the delay endpoint, answering the delay it reports. */
	@FunctionalInterface
	public interface DelayCall {

		long get(long millis) throws Exception;

	}

	private final DelayCall http;

	public BlockingWork(DelayCall http) {
		this.http = http;
	}

	/**
	 * Does one task's work, adding its phases to {@code phases}, and returns its result.
	 */
	public long run(int task, Workload workload, PhaseSink phases) throws Exception {
		return switch (workload) {
			case SleepWorkload sleep -> {
				for (int step = 0; step < sleep.steps(); step++) {
					if (sleep.in() == SleepWorkload.Place.CLASS_INITIALIZER) {
						waitInClassInitializer(task, sleep.millis(), phases);
					}
					else {
						waitFor(task, sleep.millis(), phases);
					}
				}
				yield sleep.steps();
			}
			case CpuWorkload cpu -> compute(task, cpu.iterations(), phases);
			case MixedWorkload mixed -> {
				long result = compute(task, mixed.iterations(), phases);
				waitFor(task, mixed.millis(), phases);
				yield result;
			}
			case HttpWorkload call -> {
				long before = phases.nanoTime();
				try {
					yield this.http.get(call.millis());
				}
				finally {
					phases.add(task, Phase.WAITING, phases.nanoTime() - before);
				}
			}
		};
	}

	/** Computes the kernel on this thread. */
	protected long compute(int task, long iterations, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			return CpuKernel.compute(iterations);
		}
		finally {
			phases.add(task, Phase.COMPUTING, phases.nanoTime() - before);
		}
	}

	/** Waits inside a class initializer, which pins a virtual thread to its carrier. */
	private static void waitInClassInitializer(int task, long millis, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			ClassInitializerWait.sleepInsideClassInitializer(millis);
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

	/** Waits by blocking this thread. */
	protected void waitFor(int task, long millis, PhaseSink phases) throws InterruptedException {
		long before = phases.nanoTime();
		try {
			Thread.sleep(millis);
		}
		finally {
			phases.add(task, Phase.WAITING, phases.nanoTime() - before);
		}
	}

}
