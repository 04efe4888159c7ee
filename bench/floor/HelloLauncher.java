import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Starts a bare {@code java -cp DIR Hello} the way the service starts a worker: with
 * {@link ProcessBuilder} from a running JVM, timed from just before {@code start()} until
 * its first stdout line has been read (the service's {@code spawnMillis} is launch → the
 * worker's READY line). Python's subprocess launches a JVM one exec cheaper than the JDK's
 * launcher helper, so a Hello started by the bench itself is not measured the same way.
 * <p>
 * Usage: {@code java HelloLauncher JAVA HELLO_DIR STARTS [WARMUPS]}. Prints one line per
 * timed start: the milliseconds. Warm-up starts (default 2) load the launching classes
 * first, as a service that has started processes before has.
 */
public class HelloLauncher {

	public static void main(String[] args) throws Exception {
		if (args.length < 3) {
			System.err.println("usage: java HelloLauncher.java JAVA HELLO_DIR STARTS [WARMUPS]");
			System.exit(2);
		}
		List<String> command = List.of(args[0], "-cp", args[1], "Hello");
		int starts = Integer.parseInt(args[2]);
		int warmups = (args.length > 3) ? Integer.parseInt(args[3]) : 2;
		for (int i = 0; i < warmups + starts; i++) {
			double millis = start(command);
			if (i >= warmups) {
				System.out.println(millis);
			}
		}
	}

	private static double start(List<String> command) throws Exception {
		long begin = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line = out.readLine();
			double millis = (System.nanoTime() - begin) / 1e6;
			if (!"hello".equals(line)) {
				throw new IllegalStateException("Hello printed " + line);
			}
			process.waitFor();
			return millis;
		}
	}

}
