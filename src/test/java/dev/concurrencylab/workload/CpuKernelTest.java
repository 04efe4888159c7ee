package dev.concurrencylab.workload;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuKernelTest {

	/**
	 * Checksums computed once with the kernel as it is: every mode, every worker process
	 * and every stored result depends on them, so any change to the kernel must fail
	 * here.
	 */
	@Test
	void computeShouldGiveThePinnedChecksums() throws InterruptedException {
		assertThat(CpuKernel.compute(0)).isEqualTo(6_607_762_075_843_605L);
		assertThat(CpuKernel.compute(1)).isEqualTo(7_731_413_779_697_069L);
		assertThat(CpuKernel.compute(1_000_000)).isEqualTo(5_746_617_667_317_507L);
		// 3 × 2^19 + 17: three whole chunks of today's kernel and a part of a fourth.
		assertThat(CpuKernel.compute(1_572_881)).isEqualTo(671_662_240_997_824L);
	}

	@Test
	void computeShouldGiveTheSameChecksumEveryTime() throws InterruptedException {
		assertThat(CpuKernel.compute(1_000_000)).isEqualTo(CpuKernel.compute(1_000_000));
		assertThat(CpuKernel.compute(1_000_000)).isNotEqualTo(CpuKernel.compute(1_000_001));
	}

	@Test
	void advanceInPartsShouldEqualAdvanceInOneGo() {
		long whole = CpuKernel.advance(CpuKernel.seed(), 1_000);
		long parts = CpuKernel.advance(CpuKernel.advance(CpuKernel.seed(), 400), 600);
		assertThat(parts).isEqualTo(whole);
	}

	@Test
	void computeShouldSpanChunksLikeOneAdvance() throws InterruptedException {
		long iterations = 3 * CpuKernel.CHUNK + 17;
		assertThat(CpuKernel.compute(iterations))
			.isEqualTo(CpuKernel.checksum(CpuKernel.advance(CpuKernel.seed(), iterations)));
	}

	@Test
	void checksumShouldBeASafeJsonInteger() throws InterruptedException {
		for (long iterations = 0; iterations < 50; iterations++) {
			assertThat(CpuKernel.compute(iterations)).isBetween(0L, (1L << 53) - 1);
		}
	}

	@Test
	void computeShouldStopWhenInterrupted() throws InterruptedException {
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread thread = Thread.ofPlatform().start(() -> {
			try {
				CpuKernel.compute(Long.MAX_VALUE);
			}
			catch (InterruptedException ex) {
				outcome.set(ex);
			}
		});
		thread.interrupt();
		thread.join(10_000);
		assertThat(thread.isAlive()).isFalse();
		assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
	}

}
