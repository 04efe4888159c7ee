package dev.concurrencylab.experiment;

import java.util.List;

import dev.concurrencylab.arrival.Arrival;
import dev.concurrencylab.report.TraceJson;

/**
 * What a stored experiment's pictures and trace need beside its view and task log.
 *
 * @param arrival the open model's arrivals, or null
 * @param arrived tasks that had arrived when it ended (open model), else -1
 * @param stop why it stopped early (CANCELLED, DEADLINE, SHUTDOWN), or null
 * @param stopNanos when it stopped, from its origin, or -1
 * @param pins the JFR pins of a recorded run, as trace slices
 */
record StoredRun(Arrival arrival, int arrived, String stop, long stopNanos, List<TraceJson.Mark> pins) {

	StoredRun {
		pins = (pins != null) ? List.copyOf(pins) : List.of();
	}

}
