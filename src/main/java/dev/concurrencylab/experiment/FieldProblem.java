package dev.concurrencylab.experiment;

/**
 * One invalid field of a request, as listed in a problem detail's {@code errors}.
 *
 * @param field the field's path, e.g. {@code workload.millis}
 * @param message what is wrong and what is allowed
 * @param rejectedValue the value sent, or null if absent
 */
public record FieldProblem(String field, String message, Object rejectedValue) {
}
