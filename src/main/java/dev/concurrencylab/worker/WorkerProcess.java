package dev.concurrencylab.worker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.concurrencylab.workload.Workload;

/**
 * One worker process, from launch to reaping. The thread that launched it drives it (one
 * request, one reply at a time); stderr is drained by a thread of its own, keeping the
 * last lines for error messages, so a chatty worker never blocks. {@link #kill()} may be
 * called from any thread: it unblocks the driver, whose read then ends.
 */
public final class WorkerProcess implements AutoCloseable {

	/** Longest a worker may take to say READY. */
	static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	/** How long a worker asked to exit gets before it is terminated, then killed. */
	public static final Duration EXIT_GRACE = Duration.ofSeconds(2);

	private static final int STDERR_LINES_KEPT = 5;

	private final Process process;

	private final BufferedWriter requests;

	private final BufferedReader replies;

	private final Thread stderrDrain;

	/** The last lines the worker wrote to stderr; guarded by itself. */
	private final Deque<String> stderrTail = new ArrayDeque<>();

	private final long spawnNanos;

	private WorkerProcess(Process process, ThreadFactory drainThreads, LongSupplier clock, long launchedAt)
			throws WorkerException {
		this.process = process;
		this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		this.stderrDrain = drainThreads.newThread(this::drainStderr);
		this.stderrDrain.start();
		this.spawnNanos = awaitReady(clock, launchedAt);
	}

	/**
	 * Launches a worker and waits until it says READY.
	 * @param command the command line
	 * @param drainThreads makes the stderr drain thread
	 * @param clock the clock seam, in nanoseconds
	 * @throws WorkerException when it cannot start or does not get ready
	 */
	public static WorkerProcess launch(WorkerCommand command, ThreadFactory drainThreads, LongSupplier clock)
			throws WorkerException {
		long launchedAt = clock.getAsLong();
		Process process;
		try {
			process = new ProcessBuilder(command.arguments()).start();
		}
		catch (IOException ex) {
			throw new WorkerException("could not start a worker process: " + ex.getMessage(), true);
		}
		try {
			return new WorkerProcess(process, drainThreads, clock, launchedAt);
		}
		catch (WorkerException | RuntimeException ex) {
			destroy(process);
			throw ex;
		}
	}

	/** The worker's process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Nanoseconds from launch until the worker said READY. */
	public long spawnNanos() {
		return this.spawnNanos;
	}

	/** Runs {@code action} once the process has exited and been reaped. */
	public void onExit(Runnable action) {
		this.process.onExit().thenRun(action);
	}

	/**
	 * CPU time the worker process has used so far (as the OS counts it, in clock ticks),
	 * or -1 if unknown. Read by the service, so the worker spends nothing on measuring.
	 */
	public long cpuNanos() {
		return this.process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
	}

	/**
	 * Asks the worker to exit without waiting for it: its owner reaps it later with
	 * {@link #close()} or {@link #kill()}.
	 */
	public void requestExit() {
		try {
			this.requests.write(WorkerProtocol.EXIT);
			this.requests.newLine();
			this.requests.flush();
			this.requests.close();
		}
		catch (IOException ex) {
			// Already gone.
		}
	}

	/**
	 * Sends one task and waits for its answer.
	 * @throws WorkerException when the worker dies, or answers something unreadable or
	 * for another task
	 */
	public WorkerProtocol.Reply run(int task, Workload workload) throws WorkerException {
		String line;
		try {
			this.requests.write(WorkerProtocol.run(task, workload));
			this.requests.newLine();
			this.requests.flush();
			line = this.replies.readLine();
		}
		catch (IOException ex) {
			throw died(task);
		}
		if (line == null) {
			throw died(task);
		}
		WorkerProtocol.Reply reply;
		try {
			reply = WorkerProtocol.parseReply(line);
		}
		catch (RuntimeException ex) {
			throw new WorkerException("worker " + pid() + " answered something unreadable: '" + abbreviate(line) + "'",
					true);
		}
		if (reply.task() != task) {
			throw new WorkerException(
					"worker " + pid() + " answered for task " + reply.task() + " while running task " + task, true);
		}
		return reply;
	}

	/**
	 * Waits until the process exits or {@code deadlineNanos} ({@link System#nanoTime()})
	 * passes.
	 */
	public void awaitExit(long deadlineNanos) {
		try {
			this.process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Kills the process at once; the driver's pending read ends. Safe from any thread.
	 */
	public void kill() {
		this.process.destroyForcibly();
	}

	/**
	 * Asks the worker to exit, then terminates and kills it if it does not, and waits
	 * until it is reaped and its stderr drained.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			try {
				this.requests.write(WorkerProtocol.EXIT);
				this.requests.newLine();
				this.requests.flush();
			}
			catch (IOException ex) {
				// Already going: terminated below.
			}
		}
		boolean interrupted = Thread.interrupted();
		try {
			if (!this.process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				destroy(this.process);
			}
			this.stderrDrain.join(EXIT_GRACE.toMillis());
		}
		catch (InterruptedException ex) {
			interrupted = true;
			destroy(this.process);
		}
		finally {
			closeQuietly();
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private long awaitReady(LongSupplier clock, long launchedAt) throws WorkerException {
		// A worker that never says READY is killed, which ends the read below.
		Thread watchdog = Thread.ofVirtual().unstarted(() -> {
			try {
				if (!this.process.waitFor(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					this.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				// Ready in time.
			}
		});
		watchdog.start();
		try {
			String line = this.replies.readLine();
			if (line == null) {
				throw new WorkerException("a worker process ended before it was ready" + exitDetails(), true);
			}
			WorkerProtocol.parseReady(line);
			return clock.getAsLong() - launchedAt;
		}
		catch (IOException | RuntimeException ex) {
			throw new WorkerException("a worker process did not start properly" + exitDetails(), true);
		}
		finally {
			watchdog.interrupt();
		}
	}

	private WorkerException died(int task) {
		return new WorkerException("worker " + pid() + " died while running task " + task + exitDetails(), true);
	}

	private String exitDetails() {
		try {
			if (this.process.waitFor(200, TimeUnit.MILLISECONDS)) {
				this.stderrDrain.join(200);
				String tail;
				synchronized (this.stderrTail) {
					tail = String.join(" | ", this.stderrTail);
				}
				return " (exit code " + this.process.exitValue() + (tail.isEmpty() ? "" : "; stderr: " + tail) + ")";
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "";
	}

	private void drainStderr() {
		try (BufferedReader errors = new BufferedReader(
				new InputStreamReader(this.process.getErrorStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = errors.readLine()) != null) {
				synchronized (this.stderrTail) {
					this.stderrTail.addLast(abbreviate(line));
					if (this.stderrTail.size() > STDERR_LINES_KEPT) {
						this.stderrTail.removeFirst();
					}
				}
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
	}

	private void closeQuietly() {
		try {
			this.requests.close();
		}
		catch (IOException ex) {
			// Nothing left to flush to.
		}
		try {
			this.replies.close();
		}
		catch (IOException ex) {
			// Nothing left to read.
		}
	}

	/** Terminates, then kills, then waits for the process to be reaped. */
	private static void destroy(Process process) {
		process.destroy();
		try {
			if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	private static String abbreviate(String text) {
		return (text.length() <= 120) ? text : text.substring(0, 120) + "…";
	}

}
