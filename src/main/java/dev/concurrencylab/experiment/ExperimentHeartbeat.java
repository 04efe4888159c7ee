package dev.concurrencylab.experiment;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.concurrencylab.execution.StopReason;
import dev.concurrencylab.store.RunSlots;
import dev.concurrencylab.store.StoreProperties;

/**
 * Every {@code lab.store.heartbeat}, on its own thread ({@code store-heartbeat}): writes
 * the view of each experiment this replica has not finished (what other replicas answer
 * and stream), beats for its run slots, cancels the experiments whose cancel was asked
 * for through another replica, enforces the store's retention, and now and then marks
 * FAILED the experiments of replicas that stopped beating.
 */
@Component
class ExperimentHeartbeat implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ExperimentHeartbeat.class);

	/** Beats between two sweeps for the experiments of dead replicas. */
	private static final int BEATS_PER_SWEEP = 10;

	private final ExperimentService experiments;

	private final ExperimentStore store;

	private final RunSlots slots;

	private final StoreProperties properties;

	private ScheduledExecutorService beater;

	private long beats;

	ExperimentHeartbeat(ExperimentService experiments, ExperimentStore store, RunSlots slots,
			StoreProperties properties) {
		this.experiments = experiments;
		this.store = store;
		this.slots = slots;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		if (this.beater == null) {
			this.beater = Executors
				.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("store-heartbeat").daemon().factory());
			long period = this.properties.heartbeat().toMillis();
			this.beater.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * One beat; a failure (the database away) is logged, and the next beat tries again.
	 */
	void beat() {
		try {
			List<Experiment> running = this.experiments.unfinished();
			this.store.beat(running);
			this.slots.beat();
			List<String> cancels = this.store.cancelsAsked(running.stream().map(Experiment::id).toList());
			for (String id : cancels) {
				this.experiments.local(id).ifPresent((experiment) -> experiment.stop(StopReason.CANCELLED));
			}
			this.experiments.enforceRetention();
			if (++this.beats % BEATS_PER_SWEEP == 0) {
				this.store.abandon(false);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("The store heartbeat failed ({}); other replicas see this one's runs as they were",
					ex.toString());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.beater != null) {
			// Not shutdownNow: an interrupt in the middle of a write would close the H2
			// file's channel under every other user of the store.
			this.beater.shutdown();
			try {
				if (!this.beater.awaitTermination(10, TimeUnit.SECONDS)) {
					logger.warn("The store heartbeat did not end within 10 s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.beater = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.beater != null;
	}

}
