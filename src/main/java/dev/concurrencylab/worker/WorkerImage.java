package dev.concurrencylab.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import dev.concurrencylab.workload.CpuWorkload;
import dev.concurrencylab.workload.MixedWorkload;
import dev.concurrencylab.workload.SleepWorkload;

/**
 * What a worker JVM starts from, made once per service: a small jar holding only the
 * worker's and the workloads' classes, and, on JDK 25 or later, an ahead-of-time cache
 * (JEP 483/514) recorded by a training run of that jar that runs a computing and a
 * waiting task. Workers then start the same way however the service was started (from the
 * build's classes, from the executable jar, from the container's extracted layers), never
 * through Spring Boot's jar launcher, and find their classes loaded and linked. Plain
 * Java, no Spring: the service builds it in the background after start-up, and a
 * container build can build it with {@link #main(String[])}.
 *
 * @param jar the worker jar
 * @param aotCache the AOT cache for it, or null where none could be made
 */
public record WorkerImage(Path jar, Path aotCache) {

	static final String JAR = "worker.jar";

	static final String AOT_CACHE = "worker.aot";

	/** Longest the training run (with the cache assembly it starts) may take. */
	static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(60);

	private static final List<String> PACKAGES = List.of("dev/concurrencylab/worker/", "dev/concurrencylab/workload/");

	private static final String BOOT_CLASSES = "BOOT-INF/classes/";

	/**
	 * The image in {@code folder} if one was made there for this JDK, else null.
	 */
	public static WorkerImage existing(Path folder) {
		Path jar = folder.resolve(JAR);
		Path cache = folder.resolve(AOT_CACHE);
		if (!Files.isRegularFile(jar)) {
			return null;
		}
		return new WorkerImage(jar, (Files.isRegularFile(cache) && fitsThisJdk(folder)) ? cache : null);
	}

	/**
	 * Makes the image in {@code folder}: the jar from the classes found at
	 * {@code classes} (where {@link WorkerMain} was loaded from), then the AOT cache from
	 * a training run with {@code java}.
	 * @throws IOException when the jar cannot be written
	 * @throws InterruptedException when interrupted; the training run is killed first
	 */
	public static WorkerImage build(Path folder, String java, URI classes, String delayBaseUrl)
			throws IOException, InterruptedException {
		Files.createDirectories(folder);
		Path jar = folder.resolve(JAR);
		writeJar(jar, workerClasses(classes));
		Path cache = (Runtime.version().feature() >= 25) ? train(folder, java, jar, delayBaseUrl) : null;
		if (cache != null) {
			Files.writeString(folder.resolve("jdk"), made(), StandardCharsets.UTF_8);
		}
		return new WorkerImage(jar, cache);
	}

	/**
	 * Builds the image into {@code args[0]} from the classes on this JVM's class path,
	 * e.g. {@code java -cp BOOT-INF/classes dev.concurrencylab.worker.WorkerImage
	 * worker-image} in a container build.
	 */
	public static void main(String[] args) throws Exception {
		String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
		URI classes = WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI();
		WorkerImage image = build(Path.of(args[0]), java, classes, "http://127.0.0.1:1/delay?millis=");
		System.out.println("worker image: " + image.jar() + ", AOT cache: " + image.aotCache());
	}

	/** The worker's and the workloads' class files, by jar entry name. */
	static Map<String, byte[]> workerClasses(URI classes) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		Path outer = WorkerCommand.outerJar(classes);
		if (outer != null) {
			readJar(outer, BOOT_CLASSES, entries);
		}
		else {
			Path location = Path.of(classes);
			if (Files.isDirectory(location)) {
				for (String pkg : PACKAGES) {
					Path dir = location.resolve(pkg);
					if (Files.isDirectory(dir)) {
						try (Stream<Path> files = Files.walk(dir)) {
							for (Path file : files.filter((f) -> f.toString().endsWith(".class")).toList()) {
								entries.put(location.relativize(file).toString().replace('\\', '/'),
										Files.readAllBytes(file));
							}
						}
					}
				}
			}
			else {
				readJar(location, "", entries);
			}
		}
		if (!entries.containsKey(WorkerMain.class.getName().replace('.', '/') + ".class")) {
			throw new IOException("the worker's classes are not at " + classes);
		}
		return entries;
	}

	private static void readJar(Path jar, String prefix, Map<String, byte[]> entries) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			Enumeration<JarEntry> all = file.entries();
			while (all.hasMoreElements()) {
				JarEntry entry = all.nextElement();
				String name = entry.getName();
				if (!entry.isDirectory() && name.startsWith(prefix) && name.endsWith(".class")) {
					String inner = name.substring(prefix.length());
					if (PACKAGES.stream().anyMatch(inner::startsWith)) {
						try (InputStream in = file.getInputStream(entry)) {
							entries.put(inner, in.readAllBytes());
						}
					}
				}
			}
		}
	}

	private static void writeJar(Path jar, Map<String, byte[]> entries) throws IOException {
		Path partial = jar.resolveSibling(jar.getFileName() + ".partial");
		try (OutputStream out = Files.newOutputStream(partial); JarOutputStream zip = new JarOutputStream(out)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				JarEntry jarEntry = new JarEntry(entry.getKey());
				// A fixed time, so the same classes always make the same jar.
				jarEntry.setTime(0);
				zip.putNextEntry(jarEntry);
				zip.write(entry.getValue());
				zip.closeEntry();
			}
		}
		Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * Runs the worker once with {@code -XX:AOTCacheOutput}, feeding it one task of each
	 * workload type and EXIT; the JVM records what it loaded and, at exit, assembles the
	 * cache in a child JVM of its own. Returns the cache, or null if none was made.
	 */
	private static Path train(Path folder, String java, Path jar, String delayBaseUrl)
			throws IOException, InterruptedException {
		Path cache = folder.resolve(AOT_CACHE);
		Files.deleteIfExists(cache);
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(WorkerCommand.JVM_FLAGS);
		command.add("-XX:AOTCacheOutput=" + cache);
		command.addAll(WorkerCommand.imageClassPath(jar));
		command.add(WorkerMain.class.getName());
		command.add(delayBaseUrl);
		Path log = folder.resolve("training.log");
		Process training = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			try (OutputStream in = training.getOutputStream()) {
				// One computing and one waiting task, so that the task path's classes are
				// in the cache. Not an http task: the JVM loads every cached class at
				// start-up, and the HTTP client's would make every worker say READY ~10
				// ms
				// later (measured: a 21.7 MB cache against 12 MB) for a workload the
				// process modes rarely run.
				in.write(String
					.join("\n", WorkerProtocol.run(0, new CpuWorkload(1000)),
							WorkerProtocol.run(1, new SleepWorkload(0, 1)),
							WorkerProtocol.run(2, new MixedWorkload(0, 1000)), WorkerProtocol.EXIT, "")
					.getBytes(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				// The training JVM ended early; its log says why.
			}
			if (!training.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				return null;
			}
			return (training.exitValue() == 0 && Files.isRegularFile(cache) && Files.size(cache) > 0) ? cache : null;
		}
		finally {
			if (training.isAlive()) {
				training.descendants().forEach(ProcessHandle::destroyForcibly);
				training.destroyForcibly();
				training.waitFor(5, TimeUnit.SECONDS);
			}
		}
	}

	/**
	 * What a cache made here now is recorded as: this JDK and the image's layout (2: the
	 * jar on the boot class path too), so an older image in a kept folder is made anew.
	 */
	private static String made() {
		return Runtime.version() + " image-layout-2";
	}

	private static boolean fitsThisJdk(Path folder) {
		try {
			return Files.readString(folder.resolve("jdk"), StandardCharsets.UTF_8).strip().equals(made());
		}
		catch (IOException | UncheckedIOException ex) {
			return false;
		}
	}

}
