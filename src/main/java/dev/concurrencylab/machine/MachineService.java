package dev.concurrencylab.machine;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import dev.concurrencylab.LabClock;
import dev.concurrencylab.LabProperties;
import dev.concurrencylab.isolation.AdmissionGate;
import dev.concurrencylab.isolation.Isolation;
import dev.concurrencylab.workload.CpuKernel;

/**
 * The machine as the lab sees it. Measures the parallel capacity once in the background
 * when the service is ready (never delaying readiness) and again on demand; the latest
 * measurement feeds every ideal time.
 */
@Service
public class MachineService {

	private static final Logger logger = LoggerFactory.getLogger(MachineService.class);

	/** Wall time one thread should compute in each timed run. */
	private static final Duration RUN_TARGET = Duration.ofMillis(250);

	private static final int TRIALS = 5;

	private final LabClock clock;

	/**
	 * One measurement at a time, a guard behind the gate: two at once would measure each
	 * other.
	 */
	private final ReentrantLock calibrating = new ReentrantLock();

	/** The latest measurement, or the one under way. */
	private volatile CompletableFuture<Capacity> capacity = new CompletableFuture<>();

	/**
	 * Runs calibrations one after another; its thread ends when idle and with the
	 * context.
	 */
	private final ThreadPoolExecutor calibrations = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), Thread.ofPlatform().name("machine-calibration").daemon().factory());

	/** The calibration asked for that has not been admitted yet; guarded by this. */
	private CompletableFuture<Capacity> waiting;

	private final AdmissionGate gate;

	MachineService(LabClock clock, AdmissionGate gate) {
		this.clock = clock;
		this.gate = gate;
	}

	@EventListener(ApplicationReadyEvent.class)
	void calibrateInBackground() {
		calibrateWhenFree();
	}

	/**
	 * Measures the capacity as soon as the machine is free, on the calibration thread:
	 * the calibration passes the admission gate as an exclusive run, so it neither
	 * disturbs nor is disturbed by an experiment or a comparison. A request made while an
	 * earlier one still waits for the machine joins it (its measurement is made after
	 * both were asked for), so a burst of requests queues one calibration, not one each.
	 * The future fails with {@link CalibrationStoppedException} if the service shuts down
	 * first.
	 */
	public CompletableFuture<Capacity> calibrateWhenFree() {
		CompletableFuture<Capacity> result;
		synchronized (this) {
			if (this.waiting != null) {
				return this.waiting.copy();
			}
			result = new CompletableFuture<>();
			this.waiting = result;
		}
		try {
			this.calibrations.execute(() -> calibrate(result));
		}
		catch (RejectedExecutionException ex) {
			stopped(result);
		}
		return result.copy();
	}

	private void calibrate(CompletableFuture<Capacity> result) {
		try (AdmissionGate.Ticket window = this.gate.enqueue("calibration", Isolation.EXCLUSIVE)) {
			window.awaitAdmission();
			synchronized (this) {
				this.waiting = null; // from now on a request needs a measurement of its
										// own
			}
			result.complete(measure(window));
		}
		catch (InterruptedException ex) {
			stopped(result);
		}
		catch (RuntimeException | Error ex) {
			synchronized (this) {
				if (this.waiting == result) {
					this.waiting = null;
				}
			}
			result.completeExceptionally(ex);
		}
	}

	private synchronized void stopped(CompletableFuture<Capacity> result) {
		if (this.waiting == result) {
			this.waiting = null;
		}
		result.completeExceptionally(new CalibrationStoppedException());
	}

	/**
	 * Measures the capacity now, inside an exclusive window the caller holds (a
	 * comparison measures before and after its runs).
	 */
	public Capacity measure(AdmissionGate.Ticket window) throws InterruptedException {
		if (!window.isAdmitted() || window.isolation() != Isolation.EXCLUSIVE) {
			throw new IllegalStateException("the capacity is measured within an admitted exclusive window only");
		}
		this.calibrating.lockInterruptibly();
		try {
			CompletableFuture<Capacity> pending = this.capacity;
			long iterations = iterationsForTarget();
			Capacity measured = new CapacityMeter(this.clock, LabProperties.cores(), iterations, TRIALS).measure();
			logger.info("Parallel capacity {} of {} cores ({} ms alone, {} ms all at once)",
					measured.parallelCapacity(), measured.threads(), measured.singleThreadMillis(),
					measured.allThreadsMillis());
			if (!pending.complete(measured)) {
				this.capacity = CompletableFuture.completedFuture(measured);
			}
			return measured;
		}
		finally {
			this.calibrating.unlock();
		}
	}

	/** The latest capacity, or null while the first calibration runs. */
	public Capacity currentCapacity() {
		return this.capacity.getNow(null);
	}

	/**
	 * The latest capacity, waiting for the first calibration if it is still running (it
	 * takes a few seconds after start-up).
	 */
	public Capacity awaitCapacity(Duration timeout) throws InterruptedException {
		try {
			return this.capacity.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	/** The machine now: cores, memory, JDK, OS and the latest capacity. */
	public MachineInfo info() {
		Runtime runtime = Runtime.getRuntime();
		long physical = (ManagementFactory
			.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
					? os.getTotalMemorySize() : -1;
		Capacity current = currentCapacity();
		return new MachineInfo(LabProperties.cores(),
				new MachineInfo.Memory(runtime.maxMemory(), runtime.totalMemory(), physical),
				new MachineInfo.Jdk(Runtime.version().toString(), System.getProperty("java.vendor"),
						System.getProperty("java.vm.name")),
				new MachineInfo.Os(System.getProperty("os.name"), System.getProperty("os.version"),
						System.getProperty("os.arch")),
				ProcessHandle.current().pid(), (current != null) ? "MEASURED" : "MEASURING", current);
	}

	/** Whether the calibration thread has ended for good (after {@link #stop}). */
	boolean calibrationThreadEnded() {
		return this.calibrations.isTerminated();
	}

	/**
	 * Interrupts the calibration under way or waiting for the machine, and ends the
	 * calibration thread.
	 */
	@PreDestroy
	void stop() throws InterruptedException {
		this.calibrations.shutdownNow();
		CompletableFuture<Capacity> left;
		synchronized (this) {
			left = this.waiting;
		}
		if (left != null) {
			stopped(left);
		}
		if (!this.calibrations.awaitTermination(5, TimeUnit.SECONDS)) {
			logger.warn("The calibration thread did not end within 5 s of shutdown");
		}
	}

	/**
	 * Iterations that take about {@link #RUN_TARGET} on one thread, from a short probe.
	 */
	private long iterationsForTarget() throws InterruptedException {
		long probe = 20_000_000;
		CpuKernel.compute(probe);
		long begin = this.clock.nanoTime();
		CpuKernel.compute(probe);
		long nanos = Math.max(1, this.clock.nanoTime() - begin);
		return Math.max(probe, probe * RUN_TARGET.toNanos() / nanos);
	}

}
