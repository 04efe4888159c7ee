package dev.concurrencylab.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A worker that misbehaves on purpose, by task number: task 1 answers garbage, task 2
 * crashes with exit code 7 after a word on stderr, task 3 hangs and ignores everything;
 * others answer their task number. It also chats on stderr all the time, so a service
 * that does not drain stderr would block.
 */
public final class FaultyWorkerMain {

	private FaultyWorkerMain() {
	}

	public static void main(String[] args) throws IOException, InterruptedException {
		System.out.println("READY");
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null && !line.equals(WorkerProtocol.EXIT)) {
			WorkerProtocol.Request request = WorkerProtocol.parseRun(line);
			for (int i = 0; i < 2000; i++) {
				System.err.println("chatter " + i + " ".repeat(100));
			}
			switch (request.task()) {
				case 1 -> System.out.println("garbage!! \u0000 not a reply");
				case 2 -> {
					System.err.println("boom: simulated crash");
					System.err.flush();
					System.exit(7);
				}
				case 3 -> {
					while (true) {
						try {
							Thread.sleep(Long.MAX_VALUE);
						}
						catch (InterruptedException ex) {
							// Ignored on purpose: a hung worker.
						}
					}
				}
				default -> System.out.println(WorkerProtocol.done(request.task(), request.task(), 1, 1, 0, 1));
			}
			System.out.flush();
		}
	}

}
