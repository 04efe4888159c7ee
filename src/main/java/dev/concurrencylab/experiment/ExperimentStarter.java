package dev.concurrencylab.experiment;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import dev.concurrencylab.LabProperties;

/**
 * Starts an experiment from a request and answers the way {@code POST /experiments} does:
 * after up to {@code waitMillis}, 201 with the result if it finished, else 202 with the
 * state; both with a {@code Location}. Shared by every endpoint that starts experiments.
 */
@Component
public class ExperimentStarter {

	private final ExperimentService experiments;

	private final ExperimentRequestValidator validator;

	private final LabProperties limits;

	ExperimentStarter(ExperimentService experiments, ExperimentRequestValidator validator, LabProperties limits) {
		this.experiments = experiments;
		this.validator = validator;
		this.limits = limits;
	}

	/** Checks a mode named as a list filter: 400 when it names no mode. */
	void checkModeFilter(String mode) {
		this.validator.checkModeFilter(mode);
	}

	/**
	 * Validates and starts; nothing is created when the request is invalid.
	 * @throws InvalidRequestException when a field is invalid
	 */
	public CompletableFuture<ResponseEntity<ExperimentView>> start(ExperimentRequest request, Long waitMillis) {
		long wait = validWait(waitMillis, this.limits);
		ExperimentSpec spec = this.validator.validate(request);
		Experiment experiment = this.experiments.start(spec);
		return RunAnswer.after(experiment.done(), experiment, wait, ExperimentStarter::answer);
	}

	/** {@code waitMillis}, or its default; 0 to {@code lab.max-wait-millis}. */
	public static long validWait(Long waitMillis, LabProperties limits) {
		if (waitMillis == null) {
			return limits.defaultWaitMillis();
		}
		if (waitMillis < 0 || waitMillis > limits.maxWaitMillis()) {
			throw new InvalidRequestException(List
				.of(new FieldProblem("waitMillis", "must be between 0 and " + limits.maxWaitMillis(), waitMillis)));
		}
		return waitMillis;
	}

	private static ResponseEntity<ExperimentView> answer(Experiment experiment) {
		return RunAnswer.of(URI.create("/experiments/" + experiment.id()), experiment.status().isFinished(),
				ExperimentView.of(experiment));
	}

}
