package dev.concurrencylab;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document's title and the formulas every summary uses. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String DESCRIPTION = """
			Run the same work under different execution models and see how they behave: per-task timings \
			(start, end, thread, pid, CPU), a summary against the ideal, and the machine's measured capacity.

			**Summary formulas** (all times in ms from the experiment's start, monotonic clock):
			- `wallMillis`: from the start to the last task's end.
			- `overlap` = Σ task durations ÷ wallMillis: how many tasks ran at once on average.
			- `sequentialEstimateMillis` = the time these tasks (those that succeeded) would take one after \
			another on one thread: n × (c₁ + w), c₁ a task's computation at the calibrated single-thread cost of \
			the kernel (`GET /machine`), w its nominal waits. `speedup` = sequentialEstimateMillis ÷ wallMillis, \
			the same meaning in every mode (null while no capacity has been measured and the tasks compute). \
			Comparisons add `vsSequential` = the sequential mode's median wall ÷ this mode's median wall.
			- `idealMillis`: what a perfect scheduler would achieve. With n tasks, each waiting w ms and computing \
			c ms (c = iterations × the kernel's ns per iteration measured on one thread by `GET /machine`), \
			P = min(concurrency, n) tasks in flight and Pc = max(1, min(the mode's compute parallelism, measured \
			capacity C)) of them able to compute at once: **ideal = max(⌈n ÷ P⌉ × (c + w), n × c ÷ Pc + w)**. \
			Pure waits give ⌈n ÷ P⌉ × w; pure computation n × c ÷ Pc. The compute parallelism is 1 for \
			`sequential`, `gil-threads` and `event-loop`, min(concurrency, cores) for `async` and `reactive` \
			(their computation pool), and `concurrency` otherwise. `idealFormula` shows the numbers used.
			- `efficiency` = idealMillis ÷ wallMillis (1.0 is perfect).
			- `cpuMillis`: CPU time the service process used during the run (other runs sharing the machine add \
			to it; see `interference`), plus in the process modes what the worker processes used: each task's \
			own CPU time as the worker measured it and each worker's start-up (`spawnCpuMillis`).
			- `interference`: what shared the machine with the run, over its window (admission to end): the other \
			lab runs that overlapped it (`otherRuns`, `otherRunsBusyTaskSeconds`), the service's CPU time \
			(`serviceCpuMillis`) and the part outside this run's own tasks (`serviceCpuOutsideTasksMillis`: GC, \
			JIT, harness, other runs), collector and JIT time (`gcMillis`, `jitMillis`), and from Linux's \
			/proc/stat the host's steal (`hostStealPercent`) and the CPU time of processes outside the lab \
			(`otherProcessesCpuMillis`). With `isolation` `exclusive` (the default for computation, and always \
			for comparisons and calibrations) a run waits in QUEUED until nothing else runs, and nothing else \
			starts while it runs.

			Errors are RFC 9457 problem details; validation errors list each field in `errors`.
			""";

	@Bean
	OpenAPI labOpenApi() {
		return new OpenAPI().info(new Info().title("Concurrency Lab")
			.version("v1")
			.description(DESCRIPTION)
			.license(new License().name("Apache-2.0")));
	}

}
