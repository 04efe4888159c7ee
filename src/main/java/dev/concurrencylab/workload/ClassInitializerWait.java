package dev.concurrencylab.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodHandles.Lookup;

/**
 * Blocks the calling thread inside a class initializer, the wait that still pins a
 * virtual thread to its carrier after JEP 491 freed {@code synchronized}.
 *
 * <p>
 * Each call defines a new hidden class from the same bytes, those of {@link Sleeper}, and
 * initializes it on the calling thread; the time to wait is the class's class data.
 * Nothing keeps the class afterwards (it is neither strong nor a nestmate), so it is
 * unloaded with its class data by a later GC; until then each copy holds about 2 KB of
 * metaspace. A call costs about 20 to 30 µs besides the wait on JDK 25, more while tens
 * of thousands of copies wait for that GC.
 */
public final class ClassInitializerWait {

	private static final Lookup LOOKUP = MethodHandles.lookup();

	/** The class file of {@link Sleeper}, read once. */
	private static final byte[] SLEEPER = sleeperClassFile();

	private ClassInitializerWait() {
	}

	/**
	 * Initializes this class (it reads the sleeping class's bytes), so that the tasks
	 * that then sleep do not race to initialize it: those that lost would wait, pinned,
	 * for the one initializing it, and blur the pins the workload is about.
	 */
	public static void prepare() {
		// Calling a static method is what initializes the class.
	}

	/**
	 * Runs the static initializer of a freshly defined class that sleeps {@code millis}
	 * on the calling thread.
	 * @param millis how long to sleep, in milliseconds
	 * @throws InterruptedException if the thread is interrupted before or during the
	 * sleep; as with {@link Thread#sleep}, its interrupt flag is then clear
	 */
	public static void sleepInsideClassInitializer(long millis) throws InterruptedException {
		if (millis < 0) {
			throw new IllegalArgumentException("millis must not be negative: " + millis);
		}
		if (Thread.interrupted()) {
			throw new InterruptedException("interrupted before sleeping in a class initializer");
		}
		try {
			LOOKUP.defineHiddenClassWithClassData(SLEEPER, millis, true);
		}
		catch (ExceptionInInitializerError ex) {
			if (ex.getCause() instanceof InitializerInterrupted) {
				// Thread.sleep cleared the flag when it threw, as it does outside an
				// initializer.
				throw new InterruptedException("interrupted while sleeping in a class initializer");
			}
			throw ex;
		}
		catch (IllegalAccessException | LinkageError | OutOfMemoryError ex) {
			// Defining a class can fail (no metaspace left): the task fails, its thread
			// lives on.
			throw new IllegalStateException("cannot define the class to sleep in (" + ex + ")", ex);
		}
	}

	private static byte[] sleeperClassFile() {
		// By name: a class literal would load Sleeper itself.
		String resource = ClassInitializerWait.class.getSimpleName() + "$Sleeper.class";
		try (InputStream in = ClassInitializerWait.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("class file not found: " + resource);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + resource, ex);
		}
	}

	/**
	 * The class defined anew by every call: its initializer sleeps for its class data.
	 * Never loaded as itself: only its bytes are used.
	 */
	static final class Sleeper {

		static {
			try {
				Long millis = MethodHandles.classData(MethodHandles.lookup(), "_", Long.class);
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				throw new InitializerInterrupted();
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException("no class data", ex);
			}
		}

		private Sleeper() {
		}

	}

	/**
	 * Thrown out of {@link Sleeper}'s initializer, which may throw no checked exception,
	 * when its sleep is interrupted.
	 */
	static final class InitializerInterrupted extends RuntimeException {

		InitializerInterrupted() {
			super("interrupted in a class initializer", null, false, false);
		}

	}

}
