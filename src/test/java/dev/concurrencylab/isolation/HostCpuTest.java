package dev.concurrencylab.isolation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostCpuTest {

	@Test
	void theAggregateLineShouldSplitIntoBusyIdleAndSteal() {
		HostCpu cpu = HostCpu.parse("cpu  100 5 50 1000 20 3 2 7 40 0");

		// busy = user + nice + system + irq + softirq; guest is inside user already.
		assertThat(cpu.busyNanos()).isEqualTo(160 * 10_000_000L);
		assertThat(cpu.idleNanos()).isEqualTo(1020 * 10_000_000L);
		assertThat(cpu.stealNanos()).isEqualTo(7 * 10_000_000L);
		assertThat(HostCpu.parse("cpu0 1 2 3 4 5 6 7 8")).isNull();
	}

	@Test
	void aWindowShouldReportStealAndOtherProcesses() {
		InterferenceMeter.Reading start = new InterferenceMeter.Reading(0, 0, 10, 5, new HostCpu(0, 0, 0), 0);
		// 1 s on 2 CPUs: 1.2 s busy (0.5 s of it the service, 0.2 s its workers), 0.7 s
		// idle, 0.1 s stolen.
		InterferenceMeter.Reading end = new InterferenceMeter.Reading(1_000_000_000L, 500_000_000L, 30, 9,
				new HostCpu(1_200_000_000L, 700_000_000L, 100_000_000L), 150_000_000L);

		Interference interference = InterferenceMeter.between(start, end, Isolation.SHARED, 2_000_000L, 2,
				1_500_000_000L, 300_000_000L, 200_000_000L);

		assertThat(interference.isolation()).isEqualTo("shared");
		assertThat(interference.admissionWaitMillis()).isEqualTo(2.0);
		assertThat(interference.otherRuns()).isEqualTo(2);
		assertThat(interference.otherRunsBusyTaskSeconds()).isEqualTo(1.5);
		assertThat(interference.serviceCpuMillis()).isEqualTo(500.0);
		assertThat(interference.serviceCpuOutsideTasksMillis()).isEqualTo(200.0);
		assertThat(interference.gcMillis()).isEqualTo(20);
		assertThat(interference.jitMillis()).isEqualTo(4);
		assertThat(interference.hostStealPercent()).isEqualTo(5.0);
		assertThat(interference.otherProcessesCpuMillis()).isEqualTo(500.0);
		assertThat(interference.otherProcessesCores(1000)).isEqualTo(0.5);
	}

	@Test
	void unmeasurableTaskCpuAndAnUnreadableHostShouldBeNull() {
		InterferenceMeter.Reading start = new InterferenceMeter.Reading(0, 0, 0, 0, null, -1);
		InterferenceMeter.Reading end = new InterferenceMeter.Reading(1_000, 1_000, 0, 0, null, -1);

		Interference interference = InterferenceMeter.between(start, end, Isolation.EXCLUSIVE, 0, 0, 0, -1, 0);

		assertThat(interference.serviceCpuOutsideTasksMillis()).isNull();
		assertThat(interference.hostStealPercent()).isNull();
		assertThat(interference.otherProcessesCpuMillis()).isNull();
		assertThat(interference.otherRuns()).isZero();
	}

	@Test
	void reapedChildrenShouldCountAsTheLabsWhenTheyUsedMoreThanTheyReported() {
		InterferenceMeter.Reading start = new InterferenceMeter.Reading(0, 0, 0, 0, new HostCpu(0, 0, 0), 0);
		// Workers reported 200 ms, but their whole lives (exit included) took 300 ms.
		InterferenceMeter.Reading end = new InterferenceMeter.Reading(1_000_000_000L, 500_000_000L, 0, 0,
				new HostCpu(1_000_000_000L, 1_000_000_000L, 0), 300_000_000L);

		Interference interference = InterferenceMeter.between(start, end, Isolation.SHARED, 0, 0, 0, -1, 200_000_000L);

		assertThat(interference.otherProcessesCpuMillis()).isEqualTo(200.0);
	}

	@Test
	void theStatLineShouldGiveTheReapedChildrensTime() {
		String line = "4242 (java (lab) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 500 60 30 7 20 0 40 0 1 0";
		assertThat(HostCpu.parseReapedChildren(line)).isEqualTo(37 * 10_000_000L);
	}

	@Test
	void thisMachineShouldHaveReadableCounters() {
		HostCpu now = HostCpu.now();
		assertThat(now).isNotNull();
		assertThat(now.totalNanos()).isPositive();
		assertThat(HostCpu.reapedChildrenCpuNanos()).isNotNegative();
	}

}
