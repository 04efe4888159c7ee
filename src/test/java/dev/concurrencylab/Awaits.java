package dev.concurrencylab;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The one way tests wait for something: poll a condition and fail the test, naming what
 * was awaited, if it does not hold in time. The limit is patience for a liveness check,
 * never a claim about speed, so it is generous.
 */
public final class Awaits {

	/** How long a test waits for something that should happen soon. */
	public static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final Duration POLL = Duration.ofMillis(20);

	private Awaits() {
	}

	/** Waits until {@code condition} holds, at most {@link #PATIENCE}. */
	public static void awaitUntil(String what, BooleanSupplier condition) {
		awaitUntil(what, PATIENCE, condition);
	}

	/** Waits until {@code condition} holds, at most {@code atMost}. */
	public static void awaitUntil(String what, Duration atMost, BooleanSupplier condition) {
		poll(what, atMost).until(condition::getAsBoolean);
	}

	/**
	 * Reads {@code value} until it matches, at most {@code atMost}, and returns the value
	 * that matched.
	 */
	public static <T> T awaitValue(String what, Duration atMost, Callable<T> value, Predicate<? super T> matches) {
		return poll(what, atMost).until(value, matches);
	}

	private static ConditionFactory poll(String what, Duration atMost) {
		// Polled on the test's own thread: no helper thread to outlive the test.
		return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(POLL).pollInSameThread();
	}

}
