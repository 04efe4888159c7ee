package dev.concurrencylab.isolation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;

/**
 * The one gate every run passes before it uses the machine: experiments, comparisons and
 * capacity calibrations. Runs are admitted in arrival order (first in, first out, so an
 * exclusive run is never starved by a stream of shared ones): an exclusive run when
 * nothing else is active, a shared run when no exclusive run is active and fewer than
 * {@code lab.max-running-experiments} are. The gate also records which runs overlapped
 * which, so that each can report the others as interference.
 *
 * <p>
 * Concurrency: the queue, the active set and every ticket's overlap list are guarded by
 * this gate's monitor; a ticket's admission is published through its latch. A run's
 * activity is only ever read outside the monitor (it may walk a million-task log). Times
 * are the {@link LabClock}'s, the clock every run's activity is measured on.
 */
@Component
public class AdmissionGate {

	private final int maxShared;

	private final LabClock clock;

	/** Tickets waiting for admission, oldest first; guarded by this. */
	private final Deque<Ticket> waiting = new ArrayDeque<>();

	/** Tickets admitted and not yet closed; guarded by this. */
	private final Set<Ticket> active = new LinkedHashSet<>();

	@Autowired
	AdmissionGate(LabProperties limits, LabClock clock) {
		this(limits.maxRunningExperiments(), clock);
	}

	/**
	 * A gate that lets at most {@code maxShared} shared runs be active at once, timing
	 * them with {@code clock}.
	 */
	public AdmissionGate(int maxShared, LabClock clock) {
		this.maxShared = Math.max(1, maxShared);
		this.clock = clock;
	}

	/**
	 * Puts a run in the queue without waiting; it is admitted at once when it may be. Its
	 * owner must {@link Ticket#close() close} the ticket, admitted or not.
	 */
	public synchronized Ticket enqueue(String kind, Isolation isolation) {
		Ticket ticket = new Ticket(kind, isolation);
		this.waiting.addLast(ticket);
		admitWaiting();
		return ticket;
	}

	/** Runs active now (admitted, not closed). */
	public synchronized int active() {
		return this.active.size();
	}

	/** Runs waiting for admission now. */
	public synchronized int waiting() {
		return this.waiting.size();
	}

	private void close(Ticket ticket) {
		List<Ticket> stillActive;
		synchronized (this) {
			ticket.closed = true;
			if (this.waiting.remove(ticket)) {
				admitWaiting();
				return;
			}
			if (!this.active.remove(ticket)) {
				return;
			}
			stillActive = ticket.overlapped.stream().filter(this.active::contains).toList();
			admitWaiting();
		}
		// What this run kept busy in each other run's window, read outside the lock (it
		// may walk a task log). Until the next block the others still see this run among
		// their overlapped runs, so a reading in between counts it once, whole.
		long now = this.clock.nanoTime();
		long[] busy = new long[stillActive.size()];
		for (int i = 0; i < busy.length; i++) {
			busy[i] = Math.max(0, ticket.activity.busyNanos(stillActive.get(i).admittedAtNanos, now));
		}
		synchronized (this) {
			// The runs still active forget this one but keep what it kept busy in their
			// windows, so that a long run never holds on to the logs of the short runs it
			// overlapped; the closing run's own list was read by its owner already.
			for (int i = 0; i < busy.length; i++) {
				Ticket other = stillActive.get(i);
				other.overlapped.remove(ticket);
				other.endedBusyNanos += busy[i];
			}
			ticket.overlapped.clear();
		}
	}

	/** Admits the oldest waiting tickets while the rules allow; called holding this. */
	private void admitWaiting() {
		while (!this.waiting.isEmpty()) {
			Ticket next = this.waiting.peekFirst();
			boolean admissible = (next.isolation == Isolation.EXCLUSIVE) ? this.active.isEmpty()
					: this.active.size() < this.maxShared
							&& this.active.stream().noneMatch((t) -> t.isolation == Isolation.EXCLUSIVE);
			if (!admissible) {
				return;
			}
			this.waiting.removeFirst();
			next.admittedAtNanos = this.clock.nanoTime();
			for (Ticket other : this.active) {
				other.overlapped.add(next);
				next.overlapped.add(other);
				other.overlaps++;
				next.overlaps++;
			}
			this.active.add(next);
			next.admitted.countDown();
		}
	}

	/**
	 * One run's place at the gate, from queueing to the end of its run. Closing it (once
	 * or more, from any thread) leaves the queue or frees the machine for the next run.
	 */
	public final class Ticket implements AutoCloseable {

		private final String kind;

		private final Isolation isolation;

		private final CountDownLatch admitted = new CountDownLatch(1);

		/** The overlapping runs still active; guarded by the gate. */
		private final List<Ticket> overlapped = new ArrayList<>();

		/** How many runs overlapped this one, ended or not; guarded by the gate. */
		private int overlaps;

		/**
		 * What the overlapping runs that ended kept busy in this run's window, in
		 * task-nanoseconds; guarded by the gate.
		 */
		private long endedBusyNanos;

		/** The lab clock at admission; written under the gate's lock. */
		private volatile long admittedAtNanos;

		/** Set under the gate's lock when the ticket is closed. */
		private volatile boolean closed;

		private volatile RunActivity activity = RunActivity.NONE;

		private Ticket(String kind, Isolation isolation) {
			this.kind = kind;
			this.isolation = isolation;
		}

		/** What kind of run holds it: experiment, comparison or calibration. */
		public String kind() {
			return this.kind;
		}

		public Isolation isolation() {
			return this.isolation;
		}

		/** Whether the run has been admitted and still holds its place. */
		public boolean isAdmitted() {
			return this.admitted.getCount() == 0 && !this.closed;
		}

		/**
		 * Waits until the run is admitted. When interrupted the ticket is closed (the run
		 * leaves the queue) and the interrupt is thrown.
		 */
		public void awaitAdmission() throws InterruptedException {
			try {
				this.admitted.await();
			}
			catch (InterruptedException ex) {
				close();
				throw ex;
			}
		}

		/** Says what this run keeps busy, for the runs it overlaps. */
		public void activity(RunActivity activity) {
			this.activity = activity;
		}

		/** How many other runs were active at any moment since this one was admitted. */
		public int otherRuns() {
			synchronized (AdmissionGate.this) {
				return this.overlaps;
			}
		}

		/**
		 * Task-nanoseconds the other runs had in flight between this run's admission and
		 * {@code toNanos} (the lab clock).
		 */
		public long otherRunsBusyNanos(long toNanos) {
			List<RunActivity> running;
			long busy;
			synchronized (AdmissionGate.this) {
				running = this.overlapped.stream().map((ticket) -> ticket.activity).toList();
				busy = this.endedBusyNanos;
			}
			for (RunActivity other : running) {
				busy += Math.max(0, other.busyNanos(this.admittedAtNanos, toNanos));
			}
			return busy;
		}

		@Override
		public void close() {
			AdmissionGate.this.close(this);
		}

	}

}
