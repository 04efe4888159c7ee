package dev.concurrencylab.machine;

import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /machine}: the machine and its measured parallel capacity. */
@RestController
@RequestMapping(path = "/machine", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "machine", description = "The machine as the lab sees it, and its measured parallel capacity")
class MachineController {

	private final MachineService machine;

	MachineController(MachineService machine) {
		this.machine = machine;
	}

	@GetMapping
	@Operation(summary = "Describe the machine",
			description = "Cores, memory, JDK, OS and the latest measured parallel capacity: the same CPU kernel "
					+ "timed on 1 thread and on `cores` threads in one run, capacity = cores × t1 ÷ tN. On shared "
					+ "virtual machines it is often well below the core count. Measured once in the background at "
					+ "start-up (`calibration` is `MEASURING` until then) and on demand.")
	MachineInfo machine() {
		return this.machine.info();
	}

	@PostMapping("/calibrate")
	@Operation(summary = "Measure the parallel capacity again",
			description = "Runs the calibration (a few seconds of full CPU load) as an exclusive run: it waits until "
					+ "no experiment or comparison is active, and nothing else starts while it measures. Answers the "
					+ "machine with the new capacity. A request made while another still waits for the machine "
					+ "shares its measurement. **503** if the service shuts down first.")
	CompletableFuture<MachineInfo> calibrate() {
		return this.machine.calibrateWhenFree().thenApply((capacity) -> this.machine.info());
	}

}
