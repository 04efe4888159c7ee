package dev.concurrencylab.execution;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.concurrencylab.LabClock;

/** A clock that only moves when told to. */
public final class ManualClock implements LabClock {

	private final AtomicLong nanos = new AtomicLong(1_000_000);

	@Override
	public long nanoTime() {
		return this.nanos.get();
	}

	public void advanceMillis(long millis) {
		this.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

}
