package dev.concurrencylab.comparison;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.isolation.Interference;

/**
 * How quiet the machine was during a comparison's exclusive window, and whether the
 * verdict may trust differences between modes.
 *
 * @param capacityBefore parallel capacity measured right before the runs (computation
 * only), else null
 * @param capacityAfter parallel capacity measured right after the runs, else null
 * @param capacityChangePercent |after − before| ÷ the larger of the two, in percent
 * @param hostStealPercent the share of the host's CPU time the hypervisor gave to other
 * guests during the window
 * @param otherProcessesCores cores' worth of CPU that processes outside the lab used on
 * average during the window
 * @param noisePercent the largest of the capacity change, the steal, and the other
 * processes' CPU as a share of the cores: how far apart two equal modes could look
 * @param noisy whether the capacity changed by more than 10 %, steal exceeded 3 %, or
 * other processes used more than 10 % of the cores
 * @param interference everything measured over the window, or null while it runs
 */
public record MachineNoise(Double capacityBefore, Double capacityAfter, Double capacityChangePercent,
		Double hostStealPercent, Double otherProcessesCores, double noisePercent, boolean noisy,
		Interference interference) {

	static final double MAX_CAPACITY_CHANGE_PERCENT = 10;

	static final double MAX_STEAL_PERCENT = 3;

	static final double MAX_OTHER_PROCESSES_PERCENT = 10;

	static MachineNoise of(Double before, Double after, Interference interference, double windowMillis) {
		Double change = (before != null && after != null && Math.max(before, after) > 0)
				? round(100 * Math.abs(after - before) / Math.max(before, after)) : null;
		Double steal = (interference != null) ? interference.hostStealPercent() : null;
		Double others = (interference != null && interference.otherProcessesCpuMillis() != null)
				? round(interference.otherProcessesCores(windowMillis)) : null;
		double othersPercent = (others != null) ? 100 * others / LabProperties.cores() : 0;
		boolean noisy = (change != null && change > MAX_CAPACITY_CHANGE_PERCENT)
				|| (steal != null && steal > MAX_STEAL_PERCENT) || othersPercent > MAX_OTHER_PROCESSES_PERCENT;
		double noise = Math.max(Math.max((change != null) ? change : 0, (steal != null) ? steal : 0), othersPercent);
		return new MachineNoise(before, after, change, steal, others, round(noise), noisy, interference);
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

}
