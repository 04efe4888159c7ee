package dev.concurrencylab.workload;

/**
 * The deterministic computation behind {@code cpu} and {@code mixed} work: xorshift64
 * rounds whose every step depends on the last, so the JIT can neither fold nor vectorise
 * the loop, and whose checksum every mode (and every worker process) must reproduce. Pure
 * and free of Spring so that worker processes can run it too.
 */
public final class CpuKernel {

	/** Rounds between two looks at the interrupt flag: about a millisecond of work. */
	static final long CHUNK = 1 << 19;

	private static final long SEED = 0x9E3779B97F4A7C15L;

	/**
	 * Checksums stay below 2^53 so that JSON clients in any language read them exactly.
	 */
	private static final long SAFE_INTEGER_MASK = (1L << 53) - 1;

	private CpuKernel() {
	}

	/** The state before the first round. */
	public static long seed() {
		return SEED;
	}

	/**
	 * Runs {@code iterations} rounds from {@code state} and returns the new state; the
	 * same total number of rounds gives the same state however it is split into calls.
	 */
	public static long advance(long state, long iterations) {
		long x = state;
		for (long i = 0; i < iterations; i++) {
			x ^= x << 13;
			x ^= x >>> 7;
			x ^= x << 17;
		}
		return x;
	}

	/** The checksum reported as a task's result for a final state. */
	public static long checksum(long state) {
		return state & SAFE_INTEGER_MASK;
	}

	/**
	 * Computes {@code iterations} rounds from the seed, checking the interrupt flag about
	 * every millisecond so that cancellation stops the work promptly.
	 * @throws InterruptedException when the thread is interrupted
	 */
	public static long compute(long iterations) throws InterruptedException {
		long state = SEED;
		long left = iterations;
		while (left > 0) {
			long n = Math.min(left, CHUNK);
			state = advance(state, n);
			left -= n;
			if (Thread.interrupted()) {
				throw new InterruptedException("computation interrupted");
			}
		}
		return checksum(state);
	}

}
