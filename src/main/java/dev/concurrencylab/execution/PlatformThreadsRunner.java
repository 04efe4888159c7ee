package dev.concurrencylab.execution;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * A fixed pool of {@code concurrency} platform threads, as
 * {@code Executors.newFixedThreadPool}.
 */
@Component
@Order(2)
class PlatformThreadsRunner implements ModeRunner {

	@Override
	public String id() {
		return "platform-threads";
	}

	@Override
	public String description() {
		return "A fixed pool of `concurrency` platform (OS) threads; each blocks while its task waits.";
	}

	@Override
	public List<String> suits() {
		return List.of("sleep", "http", "mixed", "cpu", "db");
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
	public void run(Execution execution) throws InterruptedException {
		int threads = Math.min(execution.concurrency(), execution.tasks());
		ExecutorService pool = execution.resources()
			.monitored(Executors.newFixedThreadPool(threads, execution.resources().platformThreads("platform")),
					"platform");
		ExecutorRuns.runAll(execution, pool, execution.resources().blockingWork());
	}

}
