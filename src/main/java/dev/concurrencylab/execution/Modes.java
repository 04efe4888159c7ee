package dev.concurrencylab.execution;

import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/** Every mode the lab has, in the order of their {@code @Order}. */
@Component
public class Modes {

	private final List<ModeRunner> runners;

	Modes(List<ModeRunner> runners) {
		this.runners = List.copyOf(runners);
	}

	public List<ModeRunner> all() {
		return this.runners;
	}

	public Optional<ModeRunner> find(String id) {
		return this.runners.stream().filter((runner) -> runner.id().equals(id)).findFirst();
	}

	/** The ids, comma separated, for messages. */
	public String ids() {
		return String.join(", ", this.runners.stream().map(ModeRunner::id).toList());
	}

}
