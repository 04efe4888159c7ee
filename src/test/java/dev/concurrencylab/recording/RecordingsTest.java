package dev.concurrencylab.recording;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jdk.jfr.FlightRecorder;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recordings' owner: every recording is closed and every file deleted, whether the
 * run finished, its recording was evicted, or the service shut down while it ran.
 */
class RecordingsTest {

	private static final RecordingProperties LIMITS = new RecordingProperties(DataSize.ofMegabytes(64),
			DataSize.ofMegabytes(16), 1, 1);

	@Test
	void shuttingDownWhileARunRecordsShouldCloseItsRecordingAndDeleteEveryFile() {
		Recordings recordings = new Recordings(LIMITS);
		ExperimentRecording running = recordings.start("running");
		Path folder = running.workerJvmOptions()
			.stream()
			.filter((option) -> option.startsWith("-XX:StartFlightRecording:filename="))
			.map((option) -> Path.of(option.substring("-XX:StartFlightRecording:filename=".length()).split(",")[0])
				.getParent())
			.findFirst()
			.orElseThrow();
		assertThat(folder.resolve(ExperimentRecording.SERVICE_FILE)).exists();
		assertThat(openRecordings()).contains("lab-experiment-running");

		recordings.close();

		assertThat(openRecordings()).doesNotContain("lab-experiment-running");
		assertThat(folder.getParent()).doesNotExist();
		// A run that ends after the shutdown finds nothing to do and leaves nothing.
		recordings.finish(running, Set.of(), "lab-e1-");
		assertThat(folder).doesNotExist();
		assertThat(recordings.start("late").report().status()).isEqualTo("FAILED");
	}

	@Test
	void aFinishedRecordingShouldBeSummarisedThenDeletedWhenANewerOneFinishes() throws Exception {
		Recordings recordings = new Recordings(LIMITS);
		try {
			ExperimentRecording first = recordings.start("first");
			first.stop();
			recordings.finish(first, Set.of(Thread.currentThread().threadId()), "none-");
			assertThat(first.report().status()).isEqualTo("RECORDED");
			assertThat(first.report().summary()).isNotNull();
			Path file = first.file(ExperimentRecording.SERVICE_FILE);
			assertThat(file).isNotNull();
			assertThat(Files.size(file)).isPositive();
			// Names outside the offered ones are never resolved.
			assertThat(first.file("../first/recording.jfr")).isNull();
			assertThat(first.file("worker-1.jfr")).isNull();

			ExperimentRecording second = recordings.start("second");
			second.stop();
			recordings.finish(second, Set.of(), "none-");

			assertThat(first.report().status()).isEqualTo("DELETED");
			assertThat(first.report().summary()).isNotNull();
			assertThat(first.report().note()).contains("lab.recording.retained");
			assertThat(file).doesNotExist();
			assertThat(first.file(ExperimentRecording.SERVICE_FILE)).isNull();
			assertThat(second.file(ExperimentRecording.SERVICE_FILE)).isNotNull();
		}
		finally {
			recordings.close();
		}
		assertThat(openRecordings()).noneMatch((name) -> name.startsWith("lab-experiment-"));
	}

	@Test
	void workersBeyondTheBoundShouldStartWithoutARecording() {
		Recordings recordings = new Recordings(LIMITS);
		try {
			ExperimentRecording recording = recordings.start("workers");
			List<String> first = recording.workerJvmOptions();
			assertThat(first).anyMatch((option) -> option.contains("worker-%p.jfr"))
				.contains("-Xlog:jfr+startup=error:stderr");
			assertThat(recording.workerJvmOptions()).isEmpty();
			recording.stop();
			recordings.finish(recording, Set.of(), "none-");
			assertThat(recording.report().workersRecorded()).isEqualTo(1);
			assertThat(recording.report().workersNotRecorded()).isEqualTo(1);
		}
		finally {
			recordings.close();
		}
	}

	private static List<String> openRecordings() {
		return FlightRecorder.getFlightRecorder().getRecordings().stream().map((r) -> r.getName()).toList();
	}

}
