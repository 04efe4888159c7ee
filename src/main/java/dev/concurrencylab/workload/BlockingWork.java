package dev.concurrencylab.workload;

/**
 * A task's work done by blocking the calling thread: waits sleep, HTTP calls block on the
 * answer. Used by the blocking modes and by worker processes alike; a mode that changes
 * how computing or waiting behaves (the GIL model) overrides one method.
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

	/** Does one task's work and returns its result. */
	public long run(Workload workload) throws Exception {
		return switch (workload) {
			case SleepWorkload sleep -> {
				for (int step = 0; step < sleep.steps(); step++) {
					waitFor(sleep.millis());
				}
				yield sleep.steps();
			}
			case CpuWorkload cpu -> compute(cpu.iterations());
			case MixedWorkload mixed -> {
				long result = compute(mixed.iterations());
				waitFor(mixed.millis());
				yield result;
			}
			case HttpWorkload call -> this.http.get(call.millis());
		};
	}

	/** Computes the kernel on this thread. */
	protected long compute(long iterations) throws InterruptedException {
		return CpuKernel.compute(iterations);
	}

	/** Waits by blocking this thread. */
	protected void waitFor(long millis) throws InterruptedException {
		Thread.sleep(millis);
	}

}
