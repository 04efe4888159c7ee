package dev.concurrencylab.store;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The store of results ({@code spring.datasource.*} says which database), bound from
 * {@code lab.store.*}.
 *
 * @param replicaId this instance's name among the replicas sharing the database; empty
 * means {@code <host name>:<server port>}, which a restart on the same host keeps
 * @param maxExperiments most finished experiments kept; the oldest are deleted first
 * @param maxBytes most bytes the finished experiments' stored task logs and views may
 * take together; the oldest are deleted first (the newest is always kept)
 * @param maxAge finished experiments and comparisons older than this are deleted
 * @param maxComparisons most finished comparisons kept
 * @param heartbeat how often a replica writes the progress of its running experiments
 * (what other replicas show) and reads the cancels asked for through other replicas
 * @param staleAfter a run whose replica has not written for this long is marked FAILED by
 * any replica, and its slot freed: its replica died
 * @param logCache task logs read back from the store and kept in memory for the next page
 * or picture, by their size in memory
 */
@ConfigurationProperties("lab.store")
public record StoreProperties(@DefaultValue("") String replicaId, @DefaultValue("10000") int maxExperiments,
		@DefaultValue("2GB") DataSize maxBytes, @DefaultValue("90d") Duration maxAge,
		@DefaultValue("1000") int maxComparisons, @DefaultValue("1s") Duration heartbeat,
		@DefaultValue("30s") Duration staleAfter, @DefaultValue("256MB") DataSize logCache) {

}
