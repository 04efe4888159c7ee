package dev.concurrencylab.store;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This instance's name among the replicas that share one store:
 * {@code lab.store.replica-id}, or {@code <host name>:<server port>}. Every response
 * carries it as {@code X-Lab-Replica}, and a run belongs to the replica that accepted it.
 */
@Component
public class Replica {

	/** The response header that names the replica that answered. */
	public static final String HEADER = "X-Lab-Replica";

	private final String id;

	Replica(StoreProperties store, Environment environment) {
		String configured = store.replicaId().strip();
		this.id = configured.isEmpty() ? hostName() + ":" + environment.getProperty("server.port", "8080") : configured;
		if (this.id.length() > 200) {
			throw new IllegalStateException("lab.store.replica-id is longer than 200 characters");
		}
	}

	public String id() {
		return this.id;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
