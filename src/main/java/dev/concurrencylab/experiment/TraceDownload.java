package dev.concurrencylab.experiment;

import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.concurrencylab.report.TraceJson;

/**
 * A {@code trace.json} answer: streamed as it is written, gzip-encoded when the client
 * accepts it (a trace of 100,000 tasks is tens of megabytes of JSON and compresses about
 * tenfold).
 */
public final class TraceDownload {

	private TraceDownload() {
	}

	/**
	 * The answer.
	 * @param runs the runs, a process each
	 * @param maxTasks most task slices drawn
	 * @param fileName the download's file name
	 * @param acceptEncoding the request's {@code Accept-Encoding}, or null
	 * @return the streamed trace
	 */
	public static ResponseEntity<StreamingResponseBody> of(List<TraceJson.Run> runs, int maxTasks, String fileName,
			String acceptEncoding) {
		boolean gzip = acceptEncoding != null && acceptEncoding.toLowerCase(Locale.ROOT).contains("gzip");
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
			.header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + fileName + "\"");
		if (!gzip) {
			return answer.body((out) -> TraceJson.write(runs, maxTasks, out));
		}
		return answer.header(HttpHeaders.CONTENT_ENCODING, "gzip").body((out) -> {
			GZIPOutputStream zipped = new GZIPOutputStream(out, 64 * 1024);
			TraceJson.write(runs, maxTasks, zipped);
			zipped.finish();
		});
	}

}
