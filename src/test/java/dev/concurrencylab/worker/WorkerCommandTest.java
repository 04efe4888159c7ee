package dev.concurrencylab.worker;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerCommandTest {

	@Test
	void fromAClassesFolderTheWorkerMainRunsOnThatFolder() {
		WorkerCommand command = WorkerCommand.of("/jdk/bin/java", URI.create("file:/app/target/classes/"),
				"http://127.0.0.1:8080/delay?millis=");

		assertThat(command.arguments()).startsWith("/jdk/bin/java")
			.containsSubsequence("-cp", "/app/target/classes", "dev.concurrencylab.worker.WorkerMain",
					"http://127.0.0.1:8080/delay?millis=")
			.containsAll(WorkerCommand.JVM_FLAGS)
			.noneMatch((argument) -> argument.contains("PropertiesLauncher"));
	}

	@Test
	void fromAnExecutableJarTheJarsOwnLauncherStartsTheWorker() {
		WorkerCommand command = WorkerCommand.of("/jdk/bin/java",
				URI.create("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/"), "http://127.0.0.1:9090/delay?millis=");

		assertThat(command.arguments()).containsSubsequence("-Dloader.main=dev.concurrencylab.worker.WorkerMain", "-cp",
				"/srv/app.jar", "org.springframework.boot.loader.launch.PropertiesLauncher",
				"http://127.0.0.1:9090/delay?millis=");
	}

	@Test
	void outerJarShouldBeFoundInNestedAndFileLocations() {
		assertThat(WorkerCommand.outerJar(URI.create("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/")))
			.isEqualTo(Path.of("/srv/app.jar"));
		assertThat(WorkerCommand.outerJar(URI.create("jar:file:/srv/app.jar!/BOOT-INF/classes!/")))
			.isEqualTo(Path.of("/srv/app.jar"));
		assertThat(WorkerCommand.outerJar(URI.create("file:/app/classes/"))).isNull();
	}

	@Test
	void theCommandShouldBeTheSameForTheSameInputs() {
		URI classes = URI.create("file:/app/classes/");
		String delay = "http://127.0.0.1:1/delay?millis=";
		assertThat(WorkerCommand.of("java", classes, delay)).isEqualTo(WorkerCommand.of("java", classes, delay));
	}

	@Test
	void onlyALoopbackDelayEndpointShouldBeAccepted() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> WorkerCommand.of("java", URI.create("file:/app/classes/"),
					"http://example.com/delay?millis="));
	}

	@Test
	void extraJvmOptionsShouldComeAfterTheLastLoggingFlag() {
		WorkerCommand command = new WorkerCommand(List.of("java", "-XX:+UseSerialGC", "-Xlog:disable",
				"-Xlog:all=warning:stderr", "-cp", "classes", "Main"));

		List<String> options = command.withJvmOptions(List.of("-XX:StartFlightRecording", "-Xlog:jfr+startup=error"))
			.arguments();

		// A later -Xlog:disable would undo the recording's own logging option.
		assertThat(options).containsExactly("java", "-XX:+UseSerialGC", "-Xlog:disable", "-Xlog:all=warning:stderr",
				"-XX:StartFlightRecording", "-Xlog:jfr+startup=error", "-cp", "classes", "Main");
		assertThat(new WorkerCommand(List.of("java", "Main")).withJvmOptions(List.of("-Da=b")).arguments())
			.containsExactly("java", "-Da=b", "Main");
		assertThat(command.withJvmOptions(List.of())).isSameAs(command);
	}

}
