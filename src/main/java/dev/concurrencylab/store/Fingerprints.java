package dev.concurrencylab.store;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.sun.management.OperatingSystemMXBean;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This instance's {@link Fingerprint}, read once at start-up and stored, and the stored
 * fingerprints of other results.
 */
@Component
public class Fingerprints {

	private final JdbcClient jdbc;

	private final JsonMapper json;

	private final Fingerprint current;

	Fingerprints(JdbcClient jdbc, JsonMapper json, ObjectProvider<BuildProperties> build) {
		this.jdbc = jdbc;
		this.json = json;
		BuildProperties properties = build.getIfAvailable();
		this.current = read((properties != null) ? properties.getVersion() : "dev");
		store(this.current);
	}

	/** The machine and runtime this instance runs on. */
	public Fingerprint current() {
		return this.current;
	}

	/** A stored fingerprint. */
	public Optional<Fingerprint> find(String id) {
		return this.jdbc.sql("SELECT json FROM fingerprints WHERE id = ?")
			.param(id)
			.query(String.class)
			.optional()
			.map((text) -> this.json.readValue(text, Fingerprint.class));
	}

	private void store(Fingerprint fingerprint) {
		if (find(fingerprint.id()).isPresent()) {
			return;
		}
		try {
			this.jdbc.sql("INSERT INTO fingerprints (id, description, json, first_seen) VALUES (?, ?, ?, ?)")
				.params(fingerprint.id(), fingerprint.description(), this.json.writeValueAsString(fingerprint),
						OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC))
				.update();
		}
		catch (DuplicateKeyException ex) {
			// Another replica on the same machine and runtime stored it first.
		}
	}

	static Fingerprint read(String labVersion) {
		long memory = (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
				? os.getTotalMemorySize() : -1;
		List<String> flags = ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.filter((argument) -> argument.startsWith("-X"))
			.sorted()
			.toList();
		Fingerprint unnamed = new Fingerprint("", Runtime.getRuntime().availableProcessors(), cpuModel(), memory,
				Runtime.getRuntime().maxMemory(), cgroup("cpu.max"), cgroup("memory.max"),
				System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
						+ System.getProperty("os.arch"),
				System.getProperty("java.vendor"), Runtime.version().toString(), System.getProperty("java.vm.name"),
				flags, labVersion);
		return new Fingerprint(hash(unnamed.description() + "|" + unnamed.vm() + "|" + unnamed.maxHeapBytes()),
				unnamed.cores(), unnamed.cpuModel(), unnamed.memoryBytes(), unnamed.maxHeapBytes(),
				unnamed.containerCpu(), unnamed.containerMemory(), unnamed.os(), unnamed.jdkVendor(),
				unnamed.jdkVersion(), unnamed.vm(), unnamed.jvmFlags(), unnamed.labVersion());
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).strip())
				.findFirst()
				.orElse(null);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static String cgroup(String file) {
		try {
			return Files.readString(Path.of("/sys/fs/cgroup", file)).strip();
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static String hash(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
