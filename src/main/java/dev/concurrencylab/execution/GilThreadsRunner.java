package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.workload.BlockingWork;
import dev.concurrencylab.workload.CpuKernel;
import dev.concurrencylab.workload.Phase;
import dev.concurrencylab.workload.PhaseSink;

/**
 * Platform threads that must hold one global lock while they compute and release it while
 * they wait, like CPython's GIL: a computing thread gives the lock up every ~5 ms (the
 * interpreter's switch interval) so others take turns, and waits overlap freely. The lock
 * is fair so the turns go round.
 */
@Component
@Order(10)
class GilThreadsRunner implements ModeRunner {

	/** Kernel iterations between two hand-overs of the lock: about 5 ms of work. */
	static final long SWITCH_INTERVAL_ITERATIONS = 3_000_000;

	@Override
	public String id() {
		return "gil-threads";
	}

	@Override
	public String description() {
		return "Platform threads sharing one global lock held while computing and released while waiting "
				+ "(the CPython GIL model): waits overlap, computation takes turns and never runs in parallel.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http");
	}

	@Override
	public boolean waitsByBlocking() {
		return true;
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return Math.min(tasks, 200);
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return limits.maxThreads();
	}

	@Override
	public int computeParallelism(int concurrency, int cores) {
		return 1;
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		int threads = Math.min(execution.concurrency(), execution.tasks());
		ExecutorService pool = execution.resources()
			.monitored(Executors.newFixedThreadPool(threads, execution.resources().platformThreads("gil")), "gil");
		execution.enableLockWaits();
		ExecutorRuns.runAll(execution, pool, new GilWork(execution, new ReentrantLock(true)));
	}

	/** Blocking work whose computation holds the global lock, slice by slice. */
	private static final class GilWork extends BlockingWork {

		/** The experiment's global interpreter lock. */
		private final ReentrantLock gil;

		GilWork(Execution execution, ReentrantLock gil) {
			super(execution.resources().delayCall(), execution.resources().dbQuery(), execution.resources().files());
			this.gil = gil;
		}

		/**
		 * Computes slice by slice, each under the lock: the time spent taking the lock is
		 * the task's lock wait, the time holding it its computing.
		 */
		@Override
		protected long compute(int task, long iterations, PhaseSink phases) throws InterruptedException {
			long state = CpuKernel.seed();
			long left = iterations;
			long lockWait = 0;
			long computing = 0;
			try {
				while (left > 0) {
					long slice = Math.min(left, SWITCH_INTERVAL_ITERATIONS);
					long asked = phases.nanoTime();
					this.gil.lockInterruptibly();
					long held = phases.nanoTime();
					lockWait += held - asked;
					try {
						state = CpuKernel.advance(state, slice);
					}
					finally {
						this.gil.unlock();
						computing += phases.nanoTime() - held;
					}
					left -= slice;
					if (Thread.interrupted()) {
						throw new InterruptedException("computation interrupted");
					}
				}
			}
			finally {
				phases.add(task, Phase.LOCK_WAIT, lockWait);
				phases.add(task, Phase.COMPUTING, computing);
			}
			return CpuKernel.checksum(state);
		}

	}

}
