package dev.concurrencylab.workload;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuKernelTest {

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
