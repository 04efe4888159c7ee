package dev.concurrencylab.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

/**
 * Every experiment's JFR recordings, under one temporary folder of this service that is
 * deleted at shutdown. Keeps the files of the newest {@code lab.recording.retained}
 * recordings; an older one's files are deleted when a newer one finishes.
 *
 * <p>
 * Concurrency: the folder and the queue of finished recordings are guarded by this.
 */
@Component
public class Recordings {

	private final RecordingProperties limits;

	/** Created with the first recording; deleted at shutdown. */
	private Path root;

	private final Deque<ExperimentRecording> finished = new ArrayDeque<>();

	/** Recordings started and not yet finished. */
	private final Set<ExperimentRecording> live = new HashSet<>();

	private boolean closed;

	Recordings(RecordingProperties limits) {
		this.limits = limits;
	}

	/**
	 * Starts recording an experiment: its folder, then the service recording. A failure
	 * to record is in the recording's report; the experiment runs anyway.
	 */
	public ExperimentRecording start(String experimentId) {
		ExperimentRecording recording;
		synchronized (this) {
			Path folder = null;
			String problem = null;
			if (this.closed) {
				problem = "the service is shutting down";
			}
			else {
				try {
					if (this.root == null) {
						this.root = Files.createTempDirectory("concurrency-lab-recordings-");
					}
					folder = this.root.resolve(experimentId);
				}
				catch (IOException ex) {
					problem = "the service could not create its recordings folder (" + ex.getClass().getSimpleName()
							+ ")";
				}
			}
			recording = new ExperimentRecording(experimentId, folder, this.limits);
			if (problem != null) {
				recording.failed(problem);
				return recording;
			}
			this.live.add(recording);
		}
		recording.start();
		return recording;
	}

	/**
	 * Ends an experiment's recording (see {@link ExperimentRecording#finish}) and deletes
	 * the files of recordings older than the newest {@code lab.recording.retained}.
	 */
	public void finish(ExperimentRecording recording, Set<Long> threadIds, String threadNamePrefix) {
		recording.finish(threadIds, threadNamePrefix);
		ExperimentRecording oldest = null;
		synchronized (this) {
			if (!this.live.remove(recording)) {
				return;
			}
			// Recordings evicted with their experiment hold no files any more.
			this.finished.removeIf(ExperimentRecording::deleted);
			this.finished.addLast(recording);
			if (this.finished.size() > this.limits.retained()) {
				oldest = this.finished.removeFirst();
			}
		}
		if (oldest != null) {
			oldest.delete("only the newest " + this.limits.retained() + " recordings keep their files "
					+ "(lab.recording.retained)");
		}
	}

	/** Deletes every recording's folder, at shutdown. */
	@PreDestroy
	public void close() {
		Path folder;
		synchronized (this) {
			this.closed = true;
			folder = this.root;
			this.finished.forEach((recording) -> recording.delete(null));
			this.finished.clear();
			this.live.forEach((recording) -> recording.delete(null));
			this.live.clear();
		}
		if (folder != null) {
			ExperimentRecording.deleteRecursively(folder);
		}
	}

}
