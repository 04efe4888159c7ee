package dev.concurrencylab.worker;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.DelayServer;

/**
 * Launches worker processes and caps how many are alive across all experiments
 * ({@code lab.max-processes-per-core} × cores): beyond the cap a launch waits for a
 * worker to be reaped rather than forking without bound. Each worker holds a
 * {@link Lease} on one slot from before its launch until it is reaped. Kills every worker
 * still alive when the service stops.
 */
@Component
public class WorkerLauncher {

	private final Semaphore slots;

	private final Supplier<WorkerCommand> command;

	/** Leases not yet released: workers launching or alive. */
	private final Set<Lease> leases = ConcurrentHashMap.newKeySet();

	/** Set once the service stops: no worker launches after it. */
	private volatile boolean closed;

	/** Told each worker's start-up time; set once by the metrics. */
	private volatile LongConsumer spawnListener = (nanos) -> {
	};

	@Autowired
	WorkerLauncher(DelayServer delays, LabProperties limits, WorkerImages images) {
		this(limits.maxProcessesPerCore() * LabProperties.cores(), () -> serviceCommand(delays, images));
	}

	/** A launcher of {@code command}, for at most {@code maxLive} live workers. */
	public WorkerLauncher(int maxLive, Supplier<WorkerCommand> command) {
		this.slots = new Semaphore(maxLive);
		this.command = command;
	}

	/**
	 * Launches a worker once fewer than the cap are alive, and waits until it is ready.
	 * The worker owns its slot from then on and gives it back when it has been reaped,
	 * whichever way it ends: its owner must end it ({@link WorkerProcess#close()},
	 * {@link WorkerProcess#kill()} or {@link WorkerProcess#requestExit()}).
	 * @param onEnd told once, when the worker has been reaped, before its slot is free
	 * @throws InterruptedException when interrupted while waiting for a slot
	 * @throws WorkerException when the worker cannot start
	 */
	public WorkerProcess launch(ThreadFactory drainThreads, LongSupplier clock, Consumer<WorkerProcess> onEnd)
			throws InterruptedException, WorkerException {
		return launch(drainThreads, clock, onEnd, List.of());
	}

	/**
	 * Launches a worker as {@link #launch(ThreadFactory, LongSupplier, Consumer)} does,
	 * with extra JVM options (a JFR recording's).
	 */
	public WorkerProcess launch(ThreadFactory drainThreads, LongSupplier clock, Consumer<WorkerProcess> onEnd,
			List<String> jvmOptions) throws InterruptedException, WorkerException {
		WorkerCommand workerCommand = this.command.get().withJvmOptions(jvmOptions);
		this.slots.acquire();
		if (this.closed) {
			this.slots.release();
			throw new WorkerException("the service is stopping: no worker starts", false);
		}
		WorkerProcess worker = WorkerProcess.launch(workerCommand, new Lease(), drainThreads, clock, onEnd);
		this.spawnListener.accept(worker.spawnNanos());
		return worker;
	}

	/** Tells {@code listener} each new worker's start-up time, in nanoseconds. */
	public void onSpawn(LongConsumer listener) {
		this.spawnListener = listener;
	}

	/** Worker processes launching or alive now (not yet reaped). */
	public int live() {
		return this.leases.size();
	}

	/** Slots free now; at rest, the cap. */
	int freeSlots() {
		return this.slots.availablePermits();
	}

	/**
	 * Kills every live worker and waits until each is reaped; one still launching is
	 * killed as soon as its process exists.
	 */
	@PreDestroy
	public void killAll() {
		this.closed = true;
		for (Lease lease : Set.copyOf(this.leases)) {
			lease.kill();
		}
	}

	/**
	 * One worker's hold on a launcher slot, taken before its launch. {@link #release()}
	 * is the only place a slot is given back, and gives it back at most once: the
	 * worker's end (after it is reaped) releases it, or its launch if no process could be
	 * started.
	 */
	final class Lease {

		private final AtomicBoolean released = new AtomicBoolean();

		/** The worker, once its process exists. */
		private volatile WorkerProcess worker;

		private volatile boolean killed;

		/**
		 * Either {@link #killAll()}'s copy of the leases has this one, or this sees
		 * {@link #closed} (both set before they are read), so a launch that raced the
		 * stop is killed as soon as its process exists.
		 */
		private Lease() {
			WorkerLauncher.this.leases.add(this);
			if (WorkerLauncher.this.closed) {
				this.killed = true;
			}
		}

		/**
		 * Binds the lease to its worker's process. Either this sees {@link #killed} or
		 * {@link #kill()} sees the worker (both volatile), so a kill racing a launch is
		 * never lost.
		 */
		void attach(WorkerProcess process) {
			this.worker = process;
			if (this.killed) {
				process.kill();
			}
		}

		void kill() {
			this.killed = true;
			WorkerProcess process = this.worker;
			if (process != null) {
				process.kill();
			}
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				WorkerLauncher.this.leases.remove(this);
				WorkerLauncher.this.slots.release();
			}
		}

	}

	/**
	 * A worker from the service's {@link WorkerImage} once it is ready, else from the
	 * service's own classes.
	 */
	private static WorkerCommand serviceCommand(DelayServer delays, WorkerImages images) {
		WorkerImage image = images.current();
		return (image != null) ? WorkerCommand.of(java(), image, delays.baseUrl())
				: WorkerCommand.of(java(), WorkerImages.classes(), delays.baseUrl());
	}

	/** This JVM's own executable: workers run on the same JDK. */
	static String java() {
		return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
	}

}
