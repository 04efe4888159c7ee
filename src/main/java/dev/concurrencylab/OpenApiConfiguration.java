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
			- `sequentialEstimateMillis` = Σ task durations, except that a task whose thread's CPU time is known \
			counts at most that CPU time plus its nominal wait (so time spent waiting for a core, when threads \
			outnumber cores, is not counted as work); `speedup` = sequentialEstimateMillis ÷ wallMillis.
			- `idealMillis`: what a perfect scheduler would achieve. With n tasks, each waiting w ms and computing \
			c ms (c = iterations × the kernel's ns per iteration measured on one thread by `GET /machine`), \
			P = min(concurrency, n) tasks in flight and Pc = max(1, min(the mode's compute parallelism, measured \
			capacity C)) of them able to compute at once: **ideal = max(⌈n ÷ P⌉ × (c + w), n × c ÷ Pc + w)**. \
			Pure waits give ⌈n ÷ P⌉ × w; pure computation n × c ÷ Pc. The compute parallelism is 1 for \
			`sequential`, `gil-threads` and `event-loop`, min(concurrency, cores) for `async` and `reactive` \
			(their computation pool), and `concurrency` otherwise. `idealFormula` shows the numbers used.
			- `efficiency` = idealMillis ÷ wallMillis (1.0 is perfect).
			- `cpuMillis`: CPU time the service process used during the run (other experiments running at the \
			same time add to it), plus in the process modes what the worker processes used for their tasks.

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
