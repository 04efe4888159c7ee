package dev.concurrencylab.report;

import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.workload.DbWorkload;
import dev.concurrencylab.workload.FileWorkload;
import dev.concurrencylab.workload.LockWorkload;
import dev.concurrencylab.workload.StepsWorkload;
import dev.concurrencylab.workload.Workload;

/**
 * What a perfect scheduler would achieve for a mode, a workload, a concurrency and this
 * machine, and the formula that gave it.
 *
 * <p>
 * With {@code n} tasks, each waiting {@code w} ms and computing {@code c} ms (c =
 * iterations × the kernel's measured ns per iteration on one thread), {@code P} tasks in
 * flight at most ({@code min(concurrency, n)}) and {@code Pc} of them able to compute at
 * once ({@code max(1, min(the mode's compute parallelism, measured capacity))}):
 * {@code ideal = max(⌈n ÷ P⌉ × (c + w), n × c ÷ Pc + w)}. The first term is the waves of
 * in-flight tasks, the second the total computation spread over what can really run at
 * once, plus the last task's wait. Pure waits reduce to {@code ⌈n ÷ P⌉ × w}, pure
 * computation to {@code n × c ÷ Pc}. A {@code lock} workload holds one lock for its wait
 * and computation, so its tasks take turns: {@code n × (c + w)}. A {@code db} workload's
 * queries each hold one of the pool's {@code pool} connections, so at most that many are
 * in flight: {@code ⌈n ÷ min(P, pool)⌉ × w}, a throughput of {@code pool ÷ w} at most
 * whatever the mode.
 *
 * @param millis the ideal wall time in milliseconds
 * @param formula the formula with this experiment's numbers
 */
public record Ideal(double millis, String formula) {

	/**
	 * What one task takes alone on one thread, c₁ + w in nanoseconds: its computation at
	 * the calibrated single-thread cost of the kernel plus its nominal waits; -1 when it
	 * computes and no capacity has been measured yet.
	 */
	public static long nanosPerTaskAlone(Workload workload, Capacity capacity) {
		long waits = workload.waitMillisPerTask() * 1_000_000L;
		if (workload.iterationsPerTask() == 0) {
			return waits;
		}
		return (capacity != null) ? Math.round(workload.iterationsPerTask() * capacity.nanosPerIteration()) + waits
				: -1;
	}

	/**
	 * The open model's ideal: tasks cannot end before they arrive, so a perfect scheduler
	 * ends at the last arrival plus one task's work (c + w), or at the closed model's
	 * ideal if the mode's capacity makes that longer.
	 * @param closed the ideal of the same tasks all there from the start
	 * @param lastArrivalNanos when the last task arrived, from the run's start
	 */
	public static Ideal open(Ideal closed, long lastArrivalNanos, Workload workload, Capacity capacity) {
		long alone = nanosPerTaskAlone(workload, capacity);
		double afterLast = lastArrivalNanos / 1e6 + Math.max(0, alone) / 1e6;
		if (afterLast >= closed.millis()) {
			return new Ideal(Math.round(afterLast * 1000) / 1000.0,
					String.format("open model: the last arrival at %.3f ms + one task's %.3f ms",
							lastArrivalNanos / 1e6, Math.max(0, alone) / 1e6));
		}
		return new Ideal(closed.millis(), "open model, the mode's capacity: " + closed.formula());
	}

	/**
	 * The ideal for {@code tasks} tasks of {@code workload} with at most
	 * {@code concurrency} in flight, of which at most {@code computeParallelism} can
	 * compute at once before the capacity is applied.
	 */
	public static Ideal of(Workload workload, int tasks, int concurrency, int computeParallelism, Capacity capacity) {
		double w = workload.waitMillisPerTask();
		double c = (capacity != null) ? workload.iterationsPerTask() * capacity.nanosPerIteration() / 1e6 : 0;
		int inFlight = Math.max(1, Math.min(concurrency, tasks));
		double computing = (capacity != null) ? capacity.effectiveParallelism(computeParallelism) : 1;
		long waves = (tasks + inFlight - 1) / inFlight;
		double byWaves = waves * (c + w);
		double byComputation = tasks * c / computing + ((c > 0) ? w : 0);
		double millis = Math.max(byWaves, byComputation);
		String formula;
		if (workload instanceof FileWorkload) {
			millis = 0;
			formula = "file I/O has no nominal time: no ideal (0); compare wall times and throughput";
		}
		else if (workload instanceof DbWorkload db) {
			// The pool: however many tasks are in flight, only its connections query.
			long queries = Math.max(1, Math.min(inFlight, db.poolSize()));
			millis = ((tasks + queries - 1) / queries) * w;
			formula = String.format("pool: ⌈%d ÷ min(%d in flight, %d connections)⌉ × %.3f ms", tasks, inFlight,
					db.poolSize(), w);
		}
		else if (workload instanceof StepsWorkload steps
				&& (steps.has(StepsWorkload.Kind.LOCK) || steps.has(StepsWorkload.Kind.DB))) {
			// The general bound, or the lock's (its holds one after another), or the
			// pool's (its queries at most poolSize at once), whichever is longest.
			double lock = tasks * (double) steps.total(StepsWorkload.Kind.LOCK);
			long queries = Math.max(1, Math.min(inFlight, steps.poolSize()));
			double pool = ((tasks + queries - 1) / queries) * (double) steps.total(StepsWorkload.Kind.DB);
			millis = Math.max(millis, Math.max(lock, pool));
			formula = String.format(
					"steps: the longest of the waves or computation (%.3f ms), the lock's holds one "
							+ "after another (%d × %d ms) and the pool's queries (⌈%d ÷ %d⌉ × %d ms)",
					Math.max(byWaves, byComputation), tasks, steps.total(StepsWorkload.Kind.LOCK), tasks, queries,
					steps.total(StepsWorkload.Kind.DB));
		}
		else if (workload instanceof LockWorkload) {
			// One lock: however many run, the holds come one after another.
			millis = Math.max(millis, tasks * (c + w));
			formula = String.format("one lock: %d × (%.3f ms computing + %.3f ms waiting), held one after another",
					tasks, c, w);
		}
		else if (c == 0) {
			formula = String.format("waits: ⌈%d ÷ %d⌉ × %.3f ms", tasks, inFlight, w);
		}
		else if (byComputation >= byWaves) {
			formula = String.format("computation: %d × %.3f ms ÷ %.2f%s", tasks, c, computing,
					(w > 0) ? String.format(" + %.3f ms wait", w) : "");
		}
		else {
			formula = String.format("waves: ⌈%d ÷ %d⌉ × (%.3f ms computing + %.3f ms waiting)", tasks, inFlight, c, w);
		}
		return new Ideal(Math.round(millis * 1000) / 1000.0, formula);
	}

}
