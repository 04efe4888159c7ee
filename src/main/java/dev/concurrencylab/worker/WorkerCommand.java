package dev.concurrencylab.worker;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker process, built by a pure function from fixed parts only:
 * the running JVM's executable, where this application's classes are, and the loopback
 * address of its own delay endpoint. Nothing a user sends ever reaches it.
 *
 * <p>
 * Flags, measured on 2 cores with JDK 25 (median of 10): a worker says READY 38–42 ms
 * after launch against 26–32 ms for a bare Hello; {@code -XX:TieredStopAtLevel=1} gained
 * nothing measurable, so the kernel keeps the full JIT. The serial collector and a small
 * heap suit one task at a time, and {@code -XX:-UsePerfData} keeps a killed worker from
 * leaving an {@code hsperfdata} file behind. The JVM's own log goes to stderr, never to
 * stdout, where the protocol's READY must be the first line (an AOT cache the JVM cannot
 * use is reported as a warning before {@code main} runs).
 *
 * @param arguments the whole command, executable first
 */
public record WorkerCommand(List<String> arguments) {

	/**
	 * JVM flags of every worker, chosen for start-up: Serial GC and a small heap (one
	 * task at a time), no {@code hsperfdata} file (none left behind by a killed worker),
	 * the JVM's own log on stderr (READY must be stdout's first line), and C2 alone
	 * ({@code -XX:-TieredCompilation}): a worker compiles nothing before READY, and
	 * starting C1's compiler thread beside C2's cost ~2 ms of a ~27 ms start on 2 cores
	 * (median of 60 starts each: 26.0 against 28.9 ms, a bare Hello 27.2 ms), while a 0.5
	 * s computation took the same (496–513 against 497–499 ms: C2 compiles the kernel's
	 * loop on stack within its first milliseconds either way).
	 */
	static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:-UsePerfData",
			"-XX:-TieredCompilation", "-Xlog:disable", "-Xlog:all=warning:stderr");

	private static final String MAIN = "dev.concurrencylab.worker.WorkerMain";

	private static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	public WorkerCommand {
		arguments = List.copyOf(arguments);
	}

	/**
	 * This command with {@code options} added to the JVM's: after its last {@code -Xlog}
	 * flag (a later {@code -Xlog:disable} would undo theirs), else right after the
	 * executable.
	 */
	public WorkerCommand withJvmOptions(List<String> options) {
		if (options.isEmpty()) {
			return this;
		}
		int at = 1;
		for (int i = 1; i < this.arguments.size(); i++) {
			if (this.arguments.get(i).startsWith("-Xlog")) {
				at = i + 1;
			}
		}
		List<String> command = new ArrayList<>(this.arguments);
		command.addAll(at, options);
		return new WorkerCommand(command);
	}

	/**
	 * Builds the command.
	 * @param java the JVM executable
	 * @param classes where {@link WorkerMain} was loaded from: a classes folder (run from
	 * the build or the extracted layers) or a Spring Boot jar's nested
	 * {@code jar:nested:/app.jar/!BOOT-INF/classes/} location
	 * @param delayBaseUrl this service's loopback delay endpoint, e.g.
	 * {@code http://127.0.0.1:41234/delay?millis=}
	 */
	public static WorkerCommand of(String java, URI classes, String delayBaseUrl) {
		loopbackOnly(delayBaseUrl);
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(JVM_FLAGS);
		Path outerJar = outerJar(classes);
		if (outerJar != null) {
			// Inside an executable jar: its own launcher finds the nested classes and
			// libraries.
			command.add("-Dloader.main=" + MAIN);
			command.add("-cp");
			command.add(outerJar.toString());
			command.add(JAR_LAUNCHER);
		}
		else {
			command.add("-cp");
			command.add(Path.of(classes).toString());
			command.add(MAIN);
		}
		command.add(delayBaseUrl);
		return new WorkerCommand(command);
	}

	/**
	 * The command of a worker started from its {@link WorkerImage}: the worker jar alone
	 * on the class path, with its AOT cache when there is one.
	 */
	public static WorkerCommand of(String java, WorkerImage image, String delayBaseUrl) {
		loopbackOnly(delayBaseUrl);
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(JVM_FLAGS);
		if (image.aotCache() != null) {
			command.add("-XX:AOTCache=" + image.aotCache());
		}
		command.addAll(imageClassPath(image.jar()));
		command.add(MAIN);
		command.add(delayBaseUrl);
		return new WorkerCommand(command);
	}

	/**
	 * Where a worker started from its image finds its classes: the image's jar on the
	 * boot class path, where a class has no protection domain, so the JVM opens no jar
	 * (nor its manifest) to define the main class (measured: READY 2.0 ms sooner, 26.9
	 * against 28.9 ms, median of 50 starts each, the first task's reply 1.8 ms sooner),
	 * and the same jar as the class path, which the AOT cache records and which keeps
	 * {@code CLASSPATH} or the current folder out of it. The training run uses the same,
	 * or the cache would not match.
	 */
	static List<String> imageClassPath(Path jar) {
		return List.of("-Xbootclasspath/a:" + jar, "-cp", jar.toString());
	}

	private static void loopbackOnly(String delayBaseUrl) {
		if (!delayBaseUrl.startsWith("http://127.0.0.1:")) {
			throw new IllegalArgumentException("workers only ever call this service over loopback");
		}
	}

	/**
	 * The outer jar of a {@code jar:nested:/app.jar/!BOOT-INF/classes/!/} (Spring Boot's
	 * nested jars) or {@code jar:file:/app.jar!/…} location, else null.
	 */
	static Path outerJar(URI classes) {
		if (!"jar".equals(classes.getScheme())) {
			return null;
		}
		String inner = classes.getSchemeSpecificPart();
		String jar;
		if (inner.startsWith("nested:")) {
			jar = inner.substring("nested:".length());
			int separator = jar.indexOf("/!");
			jar = (separator >= 0) ? jar.substring(0, separator) : jar;
		}
		else if (inner.startsWith("file:")) {
			jar = inner.substring("file:".length());
			int separator = jar.indexOf("!/");
			jar = (separator >= 0) ? jar.substring(0, separator) : jar;
		}
		else {
			return null;
		}
		return Path.of(jar);
	}

}
