package dev.concurrencylab.machine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.workload.CpuKernel;

/**
 * Measures the parallel capacity: the same kernel on one thread, then on {@code threads}
 * threads released together by a start gate, several trials back to back; the best time
 * of each gives the capacity.
 */
final class CapacityMeter {

	private final LabClock clock;

	private final int threads;

	private final long iterations;

	private final int trials;

	CapacityMeter(LabClock clock, int threads, long iterations, int trials) {
		this.clock = clock;
		this.threads = threads;
		this.iterations = iterations;
		this.trials = trials;
	}

	Capacity measure() throws InterruptedException {
		// Warm up so that every timed run uses the optimised kernel.
		for (int i = 0; i < 3; i++) {
			CpuKernel.compute(this.iterations / 2);
		}
		List<Long> single = new ArrayList<>();
		List<Long> parallel = new ArrayList<>();
		for (int trial = 0; trial < this.trials; trial++) {
			single.add(timeOnThreads(1));
			parallel.add(timeOnThreads(this.threads));
		}
		// The best of each: the capacity the host can give, not one disturbed trial.
		double t1 = Collections.min(single);
		double tn = Collections.min(parallel);
		double capacity = this.threads * t1 / tn;
		return new Capacity(round(capacity, 2), this.threads, this.iterations, round(t1 / 1e6, 3), round(tn / 1e6, 3),
				round(t1 / this.iterations, 4), this.trials, Instant.now());
	}

	/** Wall nanoseconds for {@code count} threads, each computing the kernel once. */
	private long timeOnThreads(int count) throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(count);
		CountDownLatch gate = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(count);
		List<Thread> started = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				started.add(Thread.ofPlatform().name("machine-calibration-", i + 1).daemon().start(() -> {
					ready.countDown();
					try {
						gate.await();
						CpuKernel.compute(this.iterations);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					finally {
						done.countDown();
					}
				}));
			}
			ready.await();
			long begin = this.clock.nanoTime();
			gate.countDown();
			done.await();
			return this.clock.nanoTime() - begin;
		}
		finally {
			for (Thread thread : started) {
				thread.interrupt();
			}
			for (Thread thread : started) {
				thread.join(TimeUnit.SECONDS.toMillis(5));
			}
		}
	}

	private static double round(double value, int decimals) {
		double scale = Math.pow(10, decimals);
		return Math.round(value * scale) / scale;
	}

}
