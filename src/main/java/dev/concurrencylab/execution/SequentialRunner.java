package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
			.monitored(Executors.newSingleThreadExecutor(execution.resources().platformThreads("sequential")),
					"sequential");
		ExecutorRuns.runAll(execution, thread, execution.resources().blockingWork());
	}

}
