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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.concurrencylab.workload.Workload;

/**
 * One worker process, its whole life: launch, READY, tasks, exit or kill, reaping, the
 * end of its stderr drain, and the release of its launcher slot. The thread that launched
 * it drives it (one request, one reply at a time); stderr is drained by a thread of its
 * own, keeping the last lines for error messages, so a chatty worker never blocks.
 *
 * <p>
 * It ends through one path, {@code end}, whoever asks first and however
 * ({@link #requestExit()}, {@link #close()}, {@link #kill()}, a lost worker, a failed
 * start, the launcher's shutdown): the first request reads the worker's CPU total, asks
 * it to exit (or kills it) and starts the ender thread, which reaps it, closes its
 * streams, tells the owner and releases the slot, each exactly once. Later requests only
 * hurry it (a kill) and wait for it. {@link #kill()} may be called from any thread: it
 * unblocks the driver, whose read then ends.
 */
public final class WorkerProcess implements AutoCloseable {

	/** Longest a worker may take to say READY. */
	static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	/** How long a worker asked to exit gets before it is terminated, then killed. */
	static final Duration EXIT_GRACE = Duration.ofSeconds(2);

	private static final int STDERR_LINES_KEPT = 5;

	private final Process process;

	private final WorkerLauncher.Lease lease;

	private final Consumer<WorkerProcess> onEnd;

	private final BufferedWriter requests;

	private final BufferedReader replies;

	private final Thread stderrDrain;

	/** The last lines the worker wrote to stderr; guarded by itself. */
	private final Deque<String> stderrTail = new ArrayDeque<>();

	/** Set by whoever asks first to end the worker; everything else only waits. */
	private final AtomicBoolean ending = new AtomicBoolean();

	/** Open until the worker is reaped, its owner told and its slot released. */
	private final CountDownLatch ended = new CountDownLatch(1);

	/** Written once by the launching thread before the worker is handed out. */
	private long spawnNanos;

	/** CPU time of the tasks the worker reported; written by the driver only. */
	private volatile long reportedCpuNanos;

	/** Set once, at the start of the end; -1 while alive or when unknown. */
	private volatile long spawnCpuNanos = -1;

	private WorkerProcess(Process process, WorkerLauncher.Lease lease, ThreadFactory drainThreads,
			Consumer<WorkerProcess> onEnd) {
		this.process = process;
		this.lease = lease;
		this.onEnd = onEnd;
		this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		this.stderrDrain = drainThreads.newThread(this::drainStderr);
		this.stderrDrain.start();
	}

	/**
	 * Launches a worker on {@code lease}'s slot and waits until it says READY. From the
	 * moment its process exists the worker owns the lease; if no process could be
	 * started, the lease is released here.
	 * @param command the command line
	 * @param lease the slot it runs in
	 * @param drainThreads makes the stderr drain thread
	 * @param clock the clock seam, in nanoseconds
	 * @param onEnd told once, when the worker is reaped, before the slot is released
	 * @throws WorkerException when it cannot start or does not get ready (it is then
	 * killed, reaped, and its slot released)
	 */
	static WorkerProcess launch(WorkerCommand command, WorkerLauncher.Lease lease, ThreadFactory drainThreads,
			LongSupplier clock, Consumer<WorkerProcess> onEnd) throws WorkerException {
		long launchedAt = clock.getAsLong();
		Process process;
		WorkerProcess worker;
		try {
			process = new ProcessBuilder(command.arguments()).start();
		}
		catch (IOException | RuntimeException ex) {
			lease.release();
			throw new WorkerException("could not start a worker process: " + ex.getMessage(), true);
		}
		try {
			worker = new WorkerProcess(process, lease, drainThreads, onEnd);
		}
		catch (RuntimeException | Error ex) {
			// No drain thread: nothing but the process to end.
			process.destroyForcibly();
			process.onExit().join();
			lease.release();
			throw ex;
		}
		lease.attach(worker);
		try {
			worker.spawnNanos = worker.awaitReady(clock, launchedAt);
			return worker;
		}
		catch (WorkerException | RuntimeException ex) {
			worker.kill();
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

	/**
	 * The worker's CPU time apart from its tasks, in nanoseconds, known once it has begun
	 * to end (-1 before, or if unknown): the process's total CPU time as the OS counts it
	 * (all its threads, user and system, at clock-tick resolution), read once, just
	 * before it is asked to exit or killed, minus the thread CPU time its tasks reported.
	 * That is its start-up until READY plus what its JVM did beside the tasks (JIT
	 * compiler and GC threads, loading the CPU clock, the protocol loop), and the part of
	 * a task cut short by a kill, which reported nothing. Its exit after that read is not
	 * counted. Unknown when the process was already gone (it crashed, or someone else
	 * killed it) or a kill raced the read.
	 */
	public long spawnCpuNanos() {
		return this.spawnCpuNanos;
	}

	/**
	 * Sends one task and waits for its answer, as measured by the worker.
	 * @throws WorkerException when the worker dies, or answers something unreadable or
	 * for another task; the worker is then lost and already killed
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
			throw lost(died(task));
		}
		if (line == null) {
			throw lost(died(task));
		}
		WorkerProtocol.Reply reply;
		try {
			reply = WorkerProtocol.parseReply(line);
		}
		catch (RuntimeException ex) {
			throw lost(new WorkerException(
					"worker " + pid() + " answered something unreadable: '" + abbreviate(line) + "'", true));
		}
		if (reply.task() != task) {
			throw lost(new WorkerException(
					"worker " + pid() + " answered for task " + reply.task() + " while running task " + task, true));
		}
		if (reply.cpuNanos() > 0) {
			this.reportedCpuNanos += reply.cpuNanos(); // only the driver writes it
		}
		return reply;
	}

	/**
	 * Asks the worker to exit and returns at once: it is reaped, its owner told and its
	 * slot released in the background, and it is killed if it has not exited within
	 * {@link #EXIT_GRACE}. {@link #close()} or {@link #kill()} waits for that.
	 */
	public void requestExit() {
		end(false);
	}

	/**
	 * Ends the worker gracefully (see {@link #requestExit()}) and waits until it is
	 * reaped and its slot released. Idempotent; an interrupt while waiting kills it.
	 */
	@Override
	public void close() {
		end(false);
		awaitEnded();
	}

	/**
	 * Ends the worker now: kills it (a driver blocked reading it wakes up), or hurries an
	 * end already under way, and waits until it is reaped and its slot released. Safe
	 * from any thread, any number of times.
	 */
	public void kill() {
		end(true);
		awaitEnded();
	}

	/**
	 * The one way a worker ends. The first caller reads the CPU total while the worker
	 * still lives, asks it to exit (or kills it), and hands the rest to the ender thread;
	 * a later kill only hurries the process along.
	 */
	private void end(boolean now) {
		if (!this.ending.compareAndSet(false, true)) {
			if (now) {
				this.process.destroyForcibly();
			}
			return;
		}
		long total = totalCpuNanos();
		this.spawnCpuNanos = (total >= 0) ? Math.max(0, total - this.reportedCpuNanos) : -1;
		if (now) {
			this.process.destroyForcibly();
		}
		else {
			sendExit();
		}
		Thread.ofVirtual().name("worker-end-" + this.process.pid()).start(this::reap);
	}

	/**
	 * The ender thread: waits (a grace at most) for the worker to exit, terminates then
	 * kills it if it does not, lets the stderr drain finish, then tells the owner and
	 * releases the slot, in that order, whatever happened before.
	 */
	private void reap() {
		try {
			if (!this.process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				destroy(this.process);
			}
			this.stderrDrain.join(EXIT_GRACE.toMillis());
		}
		catch (InterruptedException ex) {
			// Nothing interrupts this thread; should it happen, do not leave the process.
			this.process.destroyForcibly();
		}
		finally {
			closeStreams();
			try {
				this.onEnd.accept(this);
			}
			finally {
				this.lease.release();
				this.ended.countDown();
			}
		}
	}

	/**
	 * Waits for the ender; an interrupt kills the worker so the wait ends soon, and is
	 * restored.
	 */
	private void awaitEnded() {
		boolean interrupted = false;
		while (true) {
			try {
				this.ended.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
				this.process.destroyForcibly();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** Kills a lost worker and returns the error that says why it was lost. */
	private WorkerException lost(WorkerException error) {
		kill();
		return error;
	}

	private long totalCpuNanos() {
		if (!this.process.isAlive()) {
			return -1;
		}
		return this.process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
	}

	private void sendExit() {
		try {
			this.requests.write(WorkerProtocol.EXIT);
			this.requests.newLine();
			this.requests.flush();
			this.requests.close();
		}
		catch (IOException ex) {
			// Already gone: the ender reaps it.
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

	private void closeStreams() {
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
