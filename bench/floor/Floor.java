import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bare-JDK floor: the same waits the lab runs, with no Spring, no timing capture
 * and no task log - the physical limit for this JVM on this machine.
 *
 * <pre>
 * java Floor.java KIND TASKS MILLIS [REPEATS] [WARMUPS] [POOL]
 * </pre>
 *
 * KIND is one of
 * <ul>
 * <li>{@code virtual}: a virtual-thread-per-task executor, each task Thread.sleep(MILLIS);</li>
 * <li>{@code scheduled}: one ScheduledThreadPoolExecutor thread completing a CompletableFuture
 * per task after MILLIS (what the lab's async and reactive modes do);</li>
 * <li>{@code delayed}: CompletableFuture.delayedExecutor(MILLIS) per task;</li>
 * <li>{@code platform}: a fixed pool of POOL platform threads (default 200), each task
 * Thread.sleep(MILLIS).</li>
 * </ul>
 * Untimed warm-up rounds (default 1, with at most 100,000 tasks and waits of at most 10 ms:
 * enough for the JIT, without paying a million-task run twice) come first. Each timed round
 * prints one JSON line: {"kind", "tasks", "millis", "round", "wallMillis", "returnMillis",
 * "peakHeapBytes", "heapSamples"}.
 * <p>
 * {@code wallMillis} is defined as the lab's {@code summary.wallMillis}: from the start of
 * the run (just before the executor is created and the first task submitted) to the end of
 * the last task (the moment its wait returned, read by the thread that ran it). Shutting
 * the executor down afterwards is not part of it; {@code returnMillis} (until the run has
 * also closed its executor and returned) is printed for information.
 * <p>
 * {@code peakHeapBytes} is the largest heap in use seen during the timed round, sampled every
 * 50 ms by a daemon thread (and once at the end), as the bench samples the service's heap
 * in use (its hsperfdata counters, which follow {@code jvm.memory.used} area heap): both
 * peaks are the largest of reads of the same heap pools every 50 ms.
 */
public class Floor {

	public static void main(String[] args) throws Exception {
		if (args.length < 3) {
			System.err.println("usage: java Floor.java virtual|scheduled|delayed|platform TASKS MILLIS [REPEATS] [WARMUPS] [POOL]");
			System.exit(2);
		}
		String kind = args[0];
		int tasks = Integer.parseInt(args[1]);
		long millis = Long.parseLong(args[2]);
		int repeats = (args.length > 3) ? Integer.parseInt(args[3]) : 1;
		int warmups = (args.length > 4) ? Integer.parseInt(args[4]) : 1;
		int pool = (args.length > 5) ? Integer.parseInt(args[5]) : 200;
		int warmupTasks = Math.min(tasks, 100_000);
		for (int i = 0; i < warmups; i++) {
			run(kind, warmupTasks, Math.min(millis, 10), pool, new long[warmupTasks]);
		}
		for (int round = 0; round < repeats; round++) {
			long[] ends = new long[tasks];
			HeapPeak heap = HeapPeak.start();
			long t0 = System.nanoTime();
			run(kind, tasks, millis, pool, ends);
			long returned = System.nanoTime();
			heap.stop();
			long last = t0;
			for (long end : ends) {
				last = Math.max(last, end);
			}
			System.out.printf(java.util.Locale.ROOT,
					"{\"kind\": \"%s\", \"tasks\": %d, \"millis\": %d, \"round\": %d, \"wallMillis\": %.3f, \"returnMillis\": %.3f, \"peakHeapBytes\": %d, \"heapSamples\": %d}%n",
					kind, tasks, millis, round, (last - t0) / 1e6, (returned - t0) / 1e6, heap.peak(),
					heap.samples());
			System.out.flush();
		}
	}

	/**
	 * The largest heap in use during a round: a daemon thread reads it every 50 ms until
	 * stopped, then one last read. Only the sampler thread writes {@code peak} and
	 * {@code samples}; {@link #stop()} joins it, which makes both visible to the caller.
	 */
	static final class HeapPeak {

		private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

		private final Thread thread;

		private volatile boolean running = true;

		private long peak;

		private int samples;

		private HeapPeak() {
			this.thread = new Thread(this::sample, "heap-peak");
			this.thread.setDaemon(true);
		}

		static HeapPeak start() {
			HeapPeak heap = new HeapPeak();
			heap.thread.start();
			return heap;
		}

		private void sample() {
			while (this.running) {
				read();
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					break;
				}
			}
			read();
		}

		private void read() {
			this.peak = Math.max(this.peak, this.memory.getHeapMemoryUsage().getUsed());
			this.samples++;
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.interrupt();
			this.thread.join();
		}

		long peak() {
			return this.peak;
		}

		int samples() {
			return this.samples;
		}

	}

	/**
	 * Runs the tasks; task i writes the System.nanoTime() of its end into ends[i]. Each
	 * slot has one writer, and the run returns only after every task has ended (executor
	 * close or join), which makes every slot visible to the caller.
	 */
	static void run(String kind, int tasks, long millis, int pool, long[] ends) throws Exception {
		switch (kind) {
			case "virtual" -> {
				try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
					for (int i = 0; i < tasks; i++) {
						int task = i;
						executor.submit(() -> {
							Thread.sleep(millis);
							ends[task] = System.nanoTime();
							return null;
						});
					}
				}
			}
			case "platform" -> {
				try (ExecutorService executor = Executors.newFixedThreadPool(pool)) {
					for (int i = 0; i < tasks; i++) {
						int task = i;
						executor.submit(() -> {
							Thread.sleep(millis);
							ends[task] = System.nanoTime();
							return null;
						});
					}
				}
			}
			case "scheduled" -> {
				ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
				try {
					List<CompletableFuture<Void>> all = new ArrayList<>(tasks);
					for (int i = 0; i < tasks; i++) {
						int task = i;
						CompletableFuture<Void> done = new CompletableFuture<>();
						timer.schedule(() -> {
							ends[task] = System.nanoTime();
							done.complete(null);
						}, millis, TimeUnit.MILLISECONDS);
						all.add(done);
					}
					CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
				}
				finally {
					timer.shutdownNow();
				}
			}
			case "delayed" -> {
				List<CompletableFuture<Void>> all = new ArrayList<>(tasks);
				for (int i = 0; i < tasks; i++) {
					int task = i;
					all.add(CompletableFuture.runAsync(() -> ends[task] = System.nanoTime(),
							CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS)));
				}
				CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
			}
			default -> throw new IllegalArgumentException("unknown kind " + kind);
		}
	}

}
