package dev.concurrencylab.preset;

import dev.concurrencylab.comparison.ComparisonRequest;
import dev.concurrencylab.experiment.ExperimentRequest;

/**
 * A named, ready-made experiment or comparison.
 *
 * @param name its name in {@code /presets/{name}/run}
 * @param title a short title
 * @param shows what it demonstrates, in one sentence
 * @param expect what a run should roughly take
 * @param experiment the experiment it runs, or null
 * @param comparison the comparison it runs, or null
 */
public record Preset(String name, String title, String shows, String expect, ExperimentRequest experiment,
		ComparisonRequest comparison) {
}
