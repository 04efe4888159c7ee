package dev.concurrencylab.recording;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds of the JFR recordings of experiments ({@code "record": true}), bound from
 * {@code lab.recording.*}.
 *
 * @param maxSize the largest service recording kept: a larger one is deleted when the run
 * ends (its summary stays), because JFR's own size bound keeps whole chunks of up to 12
 * MB and drops the run's start
 * @param workerMaxSize the JFR size bound of each worker JVM's own recording
 * @param maxWorkers the first this many worker JVMs of an experiment record; later ones
 * do not (a {@code processes} run of a thousand tasks starts a thousand JVMs)
 * @param retained the recordings whose files are kept, newest first; an older one's files
 * are deleted (its summary stays with its experiment)
 */
@ConfigurationProperties("lab.recording")
public record RecordingProperties(@DefaultValue("64MB") DataSize maxSize, @DefaultValue("16MB") DataSize workerMaxSize,
		@DefaultValue("8") int maxWorkers, @DefaultValue("10") int retained) {
}
