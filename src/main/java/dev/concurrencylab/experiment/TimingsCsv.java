package dev.concurrencylab.experiment;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import dev.concurrencylab.execution.TaskLog;
import dev.concurrencylab.report.Phases;

/**
 * Writes every task's timings as CSV, one row at a time straight from the task log, so a
 * million-task download never holds the rows in memory.
 */
final class TimingsCsv {

	static final String HEADER = "task,status,queuedMillis,startMillis,endMillis,durationMillis,cpuMillis,thread,"
			+ "virtual,pid,spawnMillis,spawnCpuMillis,result,error,queueWaitMillis,waitingMillis,lockWaitMillis,"
			+ "computingOnCpuMillis,computingOffCpuMillis,schedulingMillis,onCpu,poolWaitMillis";

	private TimingsCsv() {
	}

	static void write(TaskLog log, OutputStream target) throws IOException {
		Writer out = new BufferedWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8), 64 * 1024);
		out.write(HEADER);
		out.write('\n');
		for (int task = 0; task < log.size(); task++) {
			TaskTiming timing = TaskTiming.of(log, task);
			out.write(Integer.toString(timing.task()));
			out.write(',');
			out.write(timing.status().name());
			cell(out, timing.queuedMillis());
			cell(out, timing.startMillis());
			cell(out, timing.endMillis());
			cell(out, timing.durationMillis());
			cell(out, timing.cpuMillis());
			cell(out, timing.thread());
			cell(out, timing.virtual());
			cell(out, timing.pid());
			cell(out, timing.spawnMillis());
			cell(out, timing.spawnCpuMillis());
			cell(out, timing.result());
			cell(out, timing.error());
			Phases phases = timing.phases();
			cell(out, (phases != null) ? phases.queued() : null);
			cell(out, (phases != null) ? phases.waiting() : null);
			cell(out, (phases != null) ? phases.lockWait() : null);
			cell(out, (phases != null) ? phases.computingOnCpu() : null);
			cell(out, (phases != null) ? phases.computingOffCpu() : null);
			cell(out, (phases != null) ? phases.scheduling() : null);
			cell(out, timing.onCpu());
			cell(out, (phases != null) ? phases.poolWait() : null);
			out.write('\n');
		}
		out.flush();
	}

	private static void cell(Writer out, Object value) throws IOException {
		out.write(',');
		if (value == null) {
			return;
		}
		String text = value.toString();
		if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0) {
			out.write('"');
			out.write(text.replace("\"", "\"\""));
			out.write('"');
		}
		else {
			out.write(text);
		}
	}

}
