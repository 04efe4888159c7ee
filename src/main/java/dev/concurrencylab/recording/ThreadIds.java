package dev.concurrencylab.recording;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The thread ids of a run as a sorted array without boxes: a million tasks' virtual
 * threads cost 8 MB here, not the 50 MB of a {@code HashSet<Long>}. Zero (no thread) is
 * left out. Immutable.
 */
public final class ThreadIds extends AbstractSet<Long> {

	private final long[] sorted;

	private ThreadIds(long[] sorted) {
		this.sorted = sorted;
	}

	/** The distinct non-zero ids of {@code ids}; the array is not kept. */
	public static ThreadIds of(long[] ids) {
		long[] copy = Arrays.stream(ids).filter((id) -> id != 0).sorted().distinct().toArray();
		return new ThreadIds(copy);
	}

	@Override
	public boolean contains(Object value) {
		return value instanceof Long id && Arrays.binarySearch(this.sorted, id) >= 0;
	}

	@Override
	public Iterator<Long> iterator() {
		return Arrays.stream(this.sorted).iterator();
	}

	@Override
	public int size() {
		return this.sorted.length;
	}

}
