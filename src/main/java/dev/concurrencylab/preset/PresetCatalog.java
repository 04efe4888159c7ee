package dev.concurrencylab.preset;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.comparison.ComparisonRequest;
import dev.concurrencylab.experiment.ExperimentRequest;
import dev.concurrencylab.machine.Capacity;
import dev.concurrencylab.machine.MachineService;
import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;

/**
 * The presets: the three classic demonstrations of Python concurrency tutorials, redone
 * with the lab's modes, two comparisons, and what still pins a virtual thread. The
 * computation preset sizes its work from the measured kernel speed so that a task takes
 * about half a second on this machine.
 */
@Component
class PresetCatalog {

	/** Kernel iterations for ~0.5 s before the machine has been measured. */
	private static final long DEFAULT_HALF_SECOND = 300_000_000;

	private final MachineService machine;

	PresetCatalog(MachineService machine) {
		this.machine = machine;
	}

	List<Preset> all() {
		return List.of(
				new Preset("two-threads-waiting", "Two threads, each waiting 5 × 1 s",
						"Two threads that each wait five times for a second finish together in about 5 s, not 10: "
								+ "while one thread waits the other runs.",
						"≈ 5 s",
						new ExperimentRequest("platform-threads", new SleepWorkload(1000, 5), 2, 2, null,
								"two threads waiting"),
						null),
				new Preset("five-processes-squaring", "Five worker processes, each squaring a number and waiting 1 s",
						"Five separate worker processes run side by side and finish in about 1 s plus the cost of "
								+ "starting each process (see spawnMillis).",
						"≈ 1 s + spawn",
						new ExperimentRequest("processes", new MixedWorkload(1000, 2), 5, 5, null,
								"five processes squaring"),
						null),
				new Preset("three-coroutines", "Three coroutines on one event loop, each awaiting 2 s",
						"Three tasks awaiting 2 s on a single event-loop thread finish together in about 2 s: "
								+ "waiting needs no thread of its own.",
						"≈ 2 s",
						new ExperimentRequest("event-loop", new SleepWorkload(2000, 1), 3, 3, null, "three coroutines"),
						null),
				new Preset("threads-vs-processes-cpu", "Threads vs processes on computation",
						"Eight ~0.5 s computations: platform threads and a process pool reach the machine's measured "
								+ "capacity, while GIL-style threads are no faster than one thread.",
						"≈ 1–2 min for 3 rounds", null,
						new ComparisonRequest(new CpuWorkload(halfSecondOfWork()), 8, null,
								List.of("sequential", "platform-threads", "gil-threads", "process-pool"), 3,
								"threads vs processes on computation")),
				new Preset("ten-thousand-waits", "10,000 waits of 1 s",
						"Ten thousand 1 s waits: virtual threads, async, reactive and an event loop overlap them all "
								+ "in about a second; a pool of 200 platform threads needs 50 waves.",
						"≈ 1 min", null,
						new ComparisonRequest(new SleepWorkload(1000, 1), 10_000, null,
								List.of("virtual-threads", "async", "reactive", "event-loop", "platform-threads"), 1,
								"10,000 waits")),
				new Preset("what-still-pins", "What still pins a virtual thread: a wait inside a class initializer",
						"Eight virtual threads each sleep 100 ms inside a class's static initializer. Since JEP 491 "
								+ "(JDK 24) a wait inside synchronized no longer pins, but a class initializer still "
								+ "does: each sleep holds its carrier, so the sleeps take turns on the scheduler's "
								+ "carriers (one per core) instead of overlapping. The run records JFR: "
								+ "`jfr.summary.pinned` counts the pins, with the <clinit> frame that caused them.",
						"≈ 8 × 100 ms ÷ cores; 8 pins in jfr.summary.pinned, one per task",
						new ExperimentRequest("virtual-threads",
								new SleepWorkload(100, 1, SleepWorkload.Place.CLASS_INITIALIZER), 8, 8, null,
								"what still pins", null, true),
						null),
				new Preset("arrivals-500-per-second", "500 arrivals a second: a pool of 20 threads vs virtual threads",
						"The open model: for 10 s, 500 tasks a second arrive, each waiting 100 ms, whatever the mode's "
								+ "progress. A pool of 20 platform threads serves at most 20 ÷ 100 ms = 200 a second, "
								+ "so its backlog grows, latency from arrival climbs to the 1 s drop bound and more "
								+ "than half the tasks are dropped; virtual threads keep about 50 in flight and each "
								+ "task takes its 100 ms. See each run's summary.openModel and its timeline's "
								+ "backlog.",
						"≈ 21 s", null,
						new ComparisonRequest(new SleepWorkload(100, 1), null, null,
								List.of("platform-threads", "virtual-threads"), 1, "500 arrivals a second",
								new Arrival(500, 10_000, Arrival.Distribution.CONSTANT,
										Arrival.DEFAULT_MAX_QUEUE_MILLIS, 1),
								Map.of("platform-threads", 20))));
	}

	Optional<Preset> find(String name) {
		return all().stream().filter((preset) -> preset.name().equals(name)).findFirst();
	}

	private long halfSecondOfWork() {
		Capacity capacity = this.machine.currentCapacity();
		if (capacity == null || capacity.nanosPerIteration() <= 0) {
			return DEFAULT_HALF_SECOND;
		}
		return Math.round(0.5e9 / capacity.nanosPerIteration());
	}

}
