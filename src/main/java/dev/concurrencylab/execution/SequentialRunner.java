package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/** The baseline: one platform thread runs the tasks one after another. */
@Component
@Order(1)
class SequentialRunner implements ModeRunner {

	@Override
	public String id() {
		return "sequential";
	}

	@Override
	public String description() {
		return "One platform thread runs one task after another: the baseline every speedup is measured against.";
	}

	@Override
	public List<String> suits() {
		return List.of();
	}

	@Override
	public boolean waitsByBlocking() {
		return true;
	}

	@Override
	public int defaultConcurrency(int tasks, int cores) {
		return 1;
	}

	@Override
	public int maxConcurrency(int tasks, int cores, LabProperties limits) {
		return 1;
	}

	@Override
	public void run(Execution execution) throws InterruptedException {
		ExecutorService thread = execution.resources()
			// A plain one-thread pool, not Executors.newSingleThreadExecutor: that one's
			// wrapper
			// hides the pool from the executor metrics.
			.monitored(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
					execution.resources().platformThreads("sequential")), "sequential");
		ExecutorRuns.runAll(execution, thread, execution.resources().blockingWork());
	}

}
