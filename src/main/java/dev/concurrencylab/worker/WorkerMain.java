package dev.concurrencylab.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import dev.concurrencylab.workload.BlockingWork;

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
		CpuClock cpuClock = CpuClock.loadInBackground();
		PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
		exitWithParent();
		String delayBase = (args.length > 0) ? args[0] : null;
		BlockingWork work = new BlockingWork((millis) -> LoopbackHttp.get(delayBase, millis));
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
			ThreadMXBean threads = cpuClock.get();
			long cpuStart = CpuClock.now(threads);
			long start = System.nanoTime();
			String reply;
			try {
				long result = work.run(request.workload());
				long workNanos = System.nanoTime() - start;
				reply = WorkerProtocol.done(request.task(), result, workNanos, CpuClock.since(threads, cpuStart));
			}
			catch (Exception ex) {
				long workNanos = System.nanoTime() - start;
				String message = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
				reply = WorkerProtocol.fail(request.task(), workNanos, CpuClock.since(threads, cpuStart), message);
			}
			out.println(reply);
			out.flush();
		}
		System.exit(0);
	}

	/** The worker's HTTP client, made on first use. */
	private static final class LoopbackHttp {

		private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

		static long get(String base, long millis) throws IOException, InterruptedException {
			if (base == null) {
				throw new IllegalStateException("this worker was started without the delay endpoint's address");
			}
			HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(base + millis)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("the delay endpoint answered HTTP " + response.statusCode());
			}
			return Long.parseLong(response.body().trim());
		}

	}

	/**
	 * The thread CPU clock. Loading it costs about 20 ms of class loading (measured on 2
	 * cores, JDK 25), so it loads on a thread of its own once READY is out, in parallel
	 * with the worker's other set-up and its wait for the first task, which waits for it
	 * before the task's clocks start.
	 */
	private static final class CpuClock extends Thread {

		/** Written by this thread before it ends; read after {@link #join()}. */
		private ThreadMXBean threads;

		private CpuClock() {
			super("worker-cpu-clock");
			setDaemon(true);
		}

		static CpuClock loadInBackground() {
			CpuClock clock = new CpuClock();
			clock.start();
			return clock;
		}

		@Override
		public void run() {
			ThreadMXBean loaded = ManagementFactory.getThreadMXBean();
			this.threads = loaded.isCurrentThreadCpuTimeSupported() ? loaded : null;
		}

		/** The loaded clock, or null when this JVM cannot measure thread CPU time. */
		ThreadMXBean get() {
			boolean interrupted = false;
			while (true) {
				try {
					join();
					break;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			return this.threads;
		}

		static long now(ThreadMXBean threads) {
			return (threads != null) ? threads.getCurrentThreadCpuTime() : -1;
		}

		static long since(ThreadMXBean threads, long start) {
			return (threads != null && start >= 0) ? Math.max(0, threads.getCurrentThreadCpuTime() - start) : -1;
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
