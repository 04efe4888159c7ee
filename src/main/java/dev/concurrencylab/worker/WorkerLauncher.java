package dev.concurrencylab.worker;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
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
 * worker to exit rather than forking without bound. Kills every worker still alive when
 * the service stops.
 */
@Component
public class WorkerLauncher {

	private final Semaphore slots;

	private final Supplier<WorkerCommand> command;

	private final Set<WorkerProcess> live = ConcurrentHashMap.newKeySet();

	/** Told each worker's start-up time; set once by the metrics. */
	private volatile LongConsumer spawnListener = (nanos) -> {
	};

	@Autowired
	WorkerLauncher(DelayServer delays, LabProperties limits) {
		this(limits.maxProcessesPerCore() * LabProperties.cores(), () -> serviceCommand(delays));
	}

	/** A launcher of {@code command}, for at most {@code maxLive} live workers. */
	public WorkerLauncher(int maxLive, Supplier<WorkerCommand> command) {
		this.slots = new Semaphore(maxLive);
		this.command = command;
	}

	/**
	 * Launches a worker once fewer than the cap are alive, and waits until it is ready.
	 * @throws InterruptedException when interrupted while waiting for a slot
	 * @throws WorkerException when the worker cannot start
	 */
	public WorkerProcess launch(ThreadFactory drainThreads, LongSupplier clock)
			throws InterruptedException, WorkerException {
		this.slots.acquire();
		WorkerProcess worker;
		try {
			worker = WorkerProcess.launch(this.command.get(), drainThreads, clock);
		}
		catch (WorkerException | RuntimeException ex) {
			this.slots.release();
			throw ex;
		}
		this.live.add(worker);
		this.spawnListener.accept(worker.spawnNanos());
		worker.onExit(() -> {
			this.live.remove(worker);
			this.slots.release();
		});
		return worker;
	}

	/** Tells {@code listener} each new worker's start-up time, in nanoseconds. */
	public void onSpawn(LongConsumer listener) {
		this.spawnListener = listener;
	}

	/** Worker processes alive now. */
	public int live() {
		return this.live.size();
	}

	/** Kills every live worker and waits until each is reaped. */
	@PreDestroy
	public void killAll() {
		for (WorkerProcess worker : Set.copyOf(this.live)) {
			worker.kill();
		}
		for (WorkerProcess worker : Set.copyOf(this.live)) {
			worker.close();
		}
	}

	private static WorkerCommand serviceCommand(DelayServer delays) {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		try {
			URI classes = WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI();
			return WorkerCommand.of(java, classes, delays.baseUrl());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("cannot tell where the worker's classes are", ex);
		}
	}

}
