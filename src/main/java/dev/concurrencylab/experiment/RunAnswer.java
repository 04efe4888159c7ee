package dev.concurrencylab.experiment;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.springframework.http.ResponseEntity;

/**
 * How {@code POST /experiments} and {@code POST /comparisons} answer: after at most
 * {@code waitMillis}, 201 with the result when the run finished, else 202 with its state;
 * both with a {@code Location}.
 */
public final class RunAnswer {

	private RunAnswer() {
	}

	/**
	 * The answer once {@code done} completes or {@code waitMillis} passes, whichever
	 * comes first; {@code answer} turns the run into the response then.
	 */
	public static <R, V> CompletableFuture<ResponseEntity<V>> after(CompletableFuture<R> done, R run, long waitMillis,
			Function<R, ResponseEntity<V>> answer) {
		if (waitMillis == 0) {
			return CompletableFuture.completedFuture(answer.apply(run));
		}
		return done.copy().completeOnTimeout(run, waitMillis, TimeUnit.MILLISECONDS).thenApply(answer);
	}

	/** 201 when finished, else 202, with the run's location. */
	public static <V> ResponseEntity<V> of(URI location, boolean finished, V view) {
		return finished ? ResponseEntity.created(location).body(view)
				: ResponseEntity.accepted().location(location).body(view);
	}

}
