package dev.concurrencylab.experiment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The runs of one kind (experiments, comparisons) the service keeps. Runs that have not
 * finished are never evicted; finished ones are kept up to a count and a byte budget, the
 * oldest finished evicted first and the newest finished always kept.
 *
 * <p>
 * Concurrency: {@link #byId} is concurrent, so lookups never block; the finished queue
 * and its byte total are guarded by this object's lock. Only {@link #finished} puts a run
 * on the queue, so a queued or running run can never be evicted. Each entry keeps the
 * bytes counted when it finished, and eviction subtracts exactly those, so the total
 * stays true even if a run's own figure moved afterwards.
 *
 * @param <R> the kind of run
 */
public final class RunRegistry<R> {

	private final int maxFinished;

	private final long maxFinishedBytes;

	private final Function<R, String> id;

	private final ToLongFunction<R> sequence;

	/** Told of each run evicted, outside the lock. */
	private final Consumer<R> onEvicted;

	private final Map<String, R> byId = new ConcurrentHashMap<>();

	/** Finished runs in the order they finished; guarded by this. */
	private final Deque<Finished<R>> finished = new ArrayDeque<>();

	/** The sum of {@link Finished#bytes} over {@link #finished}; guarded by this. */
	private long finishedBytes;

	/**
	 * A registry that keeps at most {@code maxFinished} finished runs holding at most
	 * {@code maxFinishedBytes} together.
	 */
	public RunRegistry(int maxFinished, long maxFinishedBytes, Function<R, String> id, ToLongFunction<R> sequence) {
		this(maxFinished, maxFinishedBytes, id, sequence, (run) -> {
		});
	}

	/**
	 * A registry as above that tells {@code onEvicted} of each run it evicts, so that
	 * what the run owns outside memory (files) goes with it.
	 */
	public RunRegistry(int maxFinished, long maxFinishedBytes, Function<R, String> id, ToLongFunction<R> sequence,
			Consumer<R> onEvicted) {
		this.onEvicted = onEvicted;
		this.maxFinished = maxFinished;
		this.maxFinishedBytes = maxFinishedBytes;
		this.id = id;
		this.sequence = sequence;
	}

	public void add(R run) {
		this.byId.put(this.id.apply(run), run);
	}

	public Optional<R> find(String runId) {
		return Optional.ofNullable(this.byId.get(runId));
	}

	/** All kept runs, newest first. */
	public List<R> all() {
		return this.byId.values().stream().sorted(Comparator.comparingLong(this.sequence).reversed()).toList();
	}

	/**
	 * Records that a run finished holding {@code bytes}, then evicts the oldest finished
	 * beyond the limits.
	 */
	public void finished(R run, long bytes) {
		List<R> evicted = new ArrayList<>();
		synchronized (this) {
			this.finished.addLast(new Finished<>(run, bytes));
			this.finishedBytes += bytes;
			while (this.finished.size() > this.maxFinished
					|| (this.finishedBytes > this.maxFinishedBytes && this.finished.size() > 1)) {
				Finished<R> oldest = this.finished.removeFirst();
				this.finishedBytes -= oldest.bytes();
				this.byId.remove(this.id.apply(oldest.run()));
				evicted.add(oldest.run());
			}
		}
		evicted.forEach(this.onEvicted);
	}

	/**
	 * Forgets a finished run that was deleted elsewhere (the store's retention), as if it
	 * had been evicted; a run not finished, or not kept, stays as it is.
	 */
	public void forget(String runId) {
		R forgotten = null;
		synchronized (this) {
			for (var entries = this.finished.iterator(); entries.hasNext();) {
				Finished<R> entry = entries.next();
				if (this.id.apply(entry.run()).equals(runId)) {
					entries.remove();
					this.finishedBytes -= entry.bytes();
					this.byId.remove(runId);
					forgotten = entry.run();
					break;
				}
			}
		}
		if (forgotten != null) {
			this.onEvicted.accept(forgotten);
		}
	}

	/** Bytes the finished runs hold, as counted when each finished. */
	public synchronized long finishedBytes() {
		return this.finishedBytes;
	}

	/** A finished run and the bytes counted for it when it finished. */
	private record Finished<R>(R run, long bytes) {
	}

}
