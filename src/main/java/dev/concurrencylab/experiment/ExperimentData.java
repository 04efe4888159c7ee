package dev.concurrencylab.experiment;

import dev.concurrencylab.execution.TaskLog;

/**
 * An experiment as its pages, pictures and trace read it, wherever it is.
 *
 * @param view as {@code GET /experiments/{id}} shows it
 * @param log its task log; null before it runs, when not asked for, or while it runs on
 * another replica
 * @param run what its pictures and trace need beside; null for a stored experiment that
 * has not finished
 * @param replica the replica that accepted it
 * @param local whether this replica runs it or holds it in memory
 */
record ExperimentData(ExperimentView view, TaskLog log, StoredRun run, String replica, boolean local) {

}
