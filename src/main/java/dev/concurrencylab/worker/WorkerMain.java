package dev.concurrencylab.worker;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;

import dev.concurrencylab.workload.BlockingWork;
import dev.concurrencylab.workload.FileFolder;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.PhaseSink;

/**
 * A worker process: a plain Java main, no Spring. It says READY, then runs the tasks it
 * is sent on stdin one at a time with the same {@link BlockingWork} (so the same kernel
 * and the same results) as the in-process modes, and answers each on stdout with the
 * work's own wall and thread CPU time, so the service reads nothing about the worker
 * while a task runs. It exits on EXIT, on end of input, or when its parent (the service)
 * dies, so it can never be orphaned.
 */
public final class WorkerMain {

	private WorkerMain() {
	}

	/**
	 * Runs the worker.
	 * @param args {@code args[0]}: the base URL of the service's delay endpoint, e.g.
	 * {@code http://127.0.0.1:8080/delay?millis=}
	 */
	public static void main(String[] args) throws IOException {
		// Say READY first, as a constant: everything heavier (even the pid, or the
		// protocol
		// class) is loaded only when needed, so the start-up cost the service measures is
		// the JVM's own. The service knows the pid from its Process.
		System.out.println("READY");
		System.out.flush();
		CpuClock cpu = new CpuClock();
		PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
		exitWithParent();
		String delayBase = (args.length > 0) ? args[0] : null;
		String folder = System.getProperty(FileFolder.PROPERTY);
		BlockingWork work = new BlockingWork((millis) -> LoopbackHttp.get(delayBase, millis), null,
				(folder != null) ? FileFolder.inWorker(folder) : null);
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null && !line.equals(WorkerProtocol.EXIT)) {
			WorkerProtocol.Request request;
			try {
				request = WorkerProtocol.parseRun(line);
			}
			catch (RuntimeException ex) {
				System.err.println("worker: unreadable request, exiting");
				System.exit(2);
				return;
			}
			// The CPU window nests inside the wall window.
			long start = System.nanoTime();
			long cpuStart = cpu.now();
			String reply;
			PhaseTotals phases = new PhaseTotals();
			try {
				long result = work.run(request.task(), request.workload(), phases);
				long cpuNanos = cpu.since(cpuStart);
				reply = WorkerProtocol.done(request.task(), result, System.nanoTime() - start, cpuNanos, phases.waiting,
						phases.computing);
			}
			catch (Exception ex) {
				long cpuNanos = cpu.since(cpuStart);
				long workNanos = System.nanoTime() - start;
				String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
				reply = WorkerProtocol.fail(request.task(), workNanos, cpuNanos, phases.waiting, phases.computing,
						message);
			}
			out.println(reply);
			out.flush();
		}
		System.exit(0);
	}

	/** One task's phases as the worker's own thread adds them up. */
	private static final class PhaseTotals implements PhaseSink {

		private long waiting;

		private long computing;

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public void add(int task, Phase phase, long nanos) {
			switch (phase) {
				case WAITING -> this.waiting += nanos;
				case COMPUTING -> this.computing += nanos;
				case LOCK_WAIT, POOL_WAIT -> {
					// No lock and no pool in a worker.
				}
			}
		}

	}

	/**
	 * The worker's HTTP call: {@link HttpURLConnection}, in {@code java.base}. A worker
	 * started from its image runs on the boot class path, where the {@code java.net.http}
	 * client (a platform module) cannot be seen; this one is also far lighter to load in
	 * a process that makes one call. Never through a proxy: the delay endpoint is
	 * loopback.
	 */
	private static final class LoopbackHttp {

		static long get(String base, long millis) throws IOException {
			if (base == null) {
				throw new IllegalStateException("this worker was started without the delay endpoint's address");
			}
			HttpURLConnection connection = (HttpURLConnection) URI.create(base + millis)
				.toURL()
				.openConnection(Proxy.NO_PROXY);
			int status = connection.getResponseCode();
			if (status != HttpURLConnection.HTTP_OK) {
				connection.disconnect();
				throw new IllegalStateException("the delay endpoint answered HTTP " + status);
			}
			// Read to the end and closed, so the connection is kept for the next call.
			try (InputStream body = connection.getInputStream()) {
				return Long.parseLong(new String(body.readAllBytes(), StandardCharsets.US_ASCII).trim());
			}
		}

	}

	/**
	 * The CPU clock of the thread that runs the tasks (only ever used by it), chosen at
	 * the first task. On Linux it reads the thread's own
	 * {@code /proc/thread-self/schedstat}: the time it spent on a CPU, in nanoseconds,
	 * the same count as {@code CLOCK_THREAD_CPUTIME_ID} behind
	 * {@link ThreadMXBean#getCurrentThreadCpuTime()} (they agreed within 43 µs over 200
	 * reads, 0 on average), for about 0.1 ms on first use and 16 µs a read after that.
	 * Elsewhere it falls back to the {@link ThreadMXBean}, whose first use costs about 20
	 * ms of class loading on 2 cores (JDK 25) — per worker, so per task in the
	 * {@code processes} mode. Nothing is loaded before READY.
	 */
	private static final class CpuClock {

		private static final String SCHEDSTAT = "/proc/thread-self/schedstat";

		private final byte[] buffer = new byte[128];

		private boolean chosen;

		private boolean schedstat;

		/** The fallback, when the thread cannot read its schedstat. */
		private ThreadMXBean threads;

		/** CPU nanoseconds of the calling thread so far, or -1 if unknown. */
		long now() {
			if (!this.chosen) {
				this.chosen = true;
				this.schedstat = readSchedstat() >= 0;
				if (!this.schedstat) {
					ThreadMXBean loaded = ManagementFactory.getThreadMXBean();
					this.threads = loaded.isCurrentThreadCpuTimeSupported() ? loaded : null;
				}
			}
			if (this.schedstat) {
				return readSchedstat();
			}
			return (this.threads != null) ? this.threads.getCurrentThreadCpuTime() : -1;
		}

		/** CPU nanoseconds since {@code start} (a {@link #now()}), or -1 if unknown. */
		long since(long start) {
			long end = now();
			return (start >= 0 && end >= 0) ? Math.max(0, end - start) : -1;
		}

		private long readSchedstat() {
			try (FileInputStream in = new FileInputStream(SCHEDSTAT)) {
				int length = in.read(this.buffer);
				long nanos = 0;
				int digits = 0;
				while (digits < length && this.buffer[digits] >= '0' && this.buffer[digits] <= '9') {
					nanos = nanos * 10 + (this.buffer[digits] - '0');
					digits++;
				}
				return (digits > 0) ? nanos : -1;
			}
			catch (IOException | SecurityException ex) {
				return -1;
			}
		}

	}

	/** Exits as soon as the process that started this one is gone. */
	private static void exitWithParent() {
		ProcessHandle.current().parent().ifPresent((parent) -> {
			Thread watcher = new Thread(() -> {
				parent.onExit().join();
				Runtime.getRuntime().halt(3);
			}, "worker-parent-watch");
			watcher.setDaemon(true);
			watcher.start();
		});
	}

}
