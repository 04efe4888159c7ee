package dev.concurrencylab.experiment;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.concurrencylab.machine.CalibrationStoppedException;
import dev.concurrencylab.web.ParameterErrors;

/**
 * Turns every error into an RFC 9457 problem detail with a sentence a person can act on,
 * and field errors into {@code errors: [{field, message, rejectedValue}]}. Never a stack
 * trace: unexpected errors are logged and answered with a plain 500.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	private static final URI ABOUT_BLANK = URI.create("about:blank");

	private static final String WORKLOAD_TYPES = "sleep, cpu, mixed, http";

	@ExceptionHandler(InvalidRequestException.class)
	ResponseEntity<Object> invalid(InvalidRequestException ex, WebRequest request) {
		return fields(ex.problems(), request);
	}

	@ExceptionHandler(ExperimentNotFoundException.class)
	ResponseEntity<Object> notFound(ExperimentNotFoundException ex, WebRequest request) {
		return problem(HttpStatus.NOT_FOUND, ex.getMessage(), new HttpHeaders(), request);
	}

	@ExceptionHandler(ExperimentFinishedException.class)
	ResponseEntity<Object> finished(ExperimentFinishedException ex, WebRequest request) {
		return problem(HttpStatus.CONFLICT, ex.getMessage(), new HttpHeaders(), request);
	}

	@ExceptionHandler(TooManyExperimentsException.class)
	ResponseEntity<Object> tooMany(TooManyExperimentsException ex, WebRequest request) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()));
		return problem(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage(), headers, request);
	}

	@ExceptionHandler({ ServiceStoppingException.class, CalibrationStoppedException.class })
	ResponseEntity<Object> stopping(RuntimeException ex, WebRequest request) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), new HttpHeaders(), request);
	}

	/**
	 * The store (the database) did not answer: the service is not well, the request was
	 * fine. 503, with a sentence and no internals; the cause is logged.
	 */
	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<Object> storeUnavailable(DataAccessException ex, WebRequest request) {
		log.error("The store failed during {}: {}", describe(request), ex.getMostSpecificCause().toString());
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "5");
		return problem(HttpStatus.SERVICE_UNAVAILABLE,
				"The results database did not answer; try again shortly. Running experiments go on.", headers, request);
	}

	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<Object> parameters(InvalidParameterException ex, WebRequest request) {
		return problem(HttpStatus.BAD_REQUEST, ParameterErrors.detail(ex), new HttpHeaders(), request);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> unexpected(Exception ex, WebRequest request) {
		if (causeOf(ex, ClientAbortException.class) != null) {
			// The client went away while its answer was written: no one to answer.
			log.debug("Client went away during {}", describe(request), ex);
			return null;
		}
		log.error("Unexpected error answering {}", describe(request), ex);
		return problem(HttpStatus.INTERNAL_SERVER_ERROR,
				"Something went wrong on our side; the service log has the details. Your other experiments are not affected.",
				new HttpHeaders(), request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (causeOf(ex, BodySizeLimitFilter.BodyTooLargeException.class) != null) {
			return problem(HttpStatus.CONTENT_TOO_LARGE,
					causeOf(ex, BodySizeLimitFilter.BodyTooLargeException.class).getMessage(), new HttpHeaders(),
					request);
		}
		Throwable cause = ex.getCause();
		if (cause instanceof UnrecognizedPropertyException unknown) {
			String known = unknown.getKnownPropertyIds()
				.stream()
				.map(Object::toString)
				.sorted()
				.collect(Collectors.joining(", "));
			return fields(List.of(new FieldProblem(path(unknown),
					"is not a known field; known fields here are: " + ((known.isEmpty()) ? "none" : known),
					unknown.getPropertyName())), request);
		}
		if (cause instanceof InvalidTypeIdException typeId) {
			String field = join(path(typeId), "type");
			String message = (typeId.getTypeId() == null) ? "is required; use one of " + WORKLOAD_TYPES
					: "'" + typeId.getTypeId() + "' is not a workload type; use one of " + WORKLOAD_TYPES;
			return fields(List.of(new FieldProblem(field, message, typeId.getTypeId())), request);
		}
		if (cause instanceof ValueInstantiationException creator
				&& creator.getCause() instanceof IllegalArgumentException refused) {
			// A record's own check while it was read (e.g. a step with two fields): its
			// message is the lab's sentence, not Jackson's.
			String field = path(creator);
			return fields(List.of(new FieldProblem(field.isEmpty() ? "(body)" : field, refused.getMessage(), null)),
					request);
		}
		if (cause instanceof InvalidFormatException format) {
			return fields(List
				.of(new FieldProblem(path(format), "must be " + kind(format.getTargetType()), format.getValue())),
					request);
		}
		if (cause instanceof MismatchedInputException mismatch) {
			String original = mismatch.getOriginalMessage();
			if (original != null && original.startsWith("Missing required creator property")) {
				String property = original.replaceAll("^Missing required creator property '([^']*)'.*$", "$1");
				String parent = path(mismatch);
				String field = (parent.equals(property) || parent.endsWith("." + property)) ? parent
						: join(parent, property);
				return fields(List.of(new FieldProblem(field, "is required", null)), request);
			}
			String field = path(mismatch);
			return fields(List.of(new FieldProblem(field.isEmpty() ? "(body)" : field,
					"must be " + kind(mismatch.getTargetType()), null)), request);
		}
		if (cause instanceof InputCoercionException range) {
			String field = path(range);
			Class<?> target = range.getTargetType();
			String limit = (target == int.class || target == Integer.class) ? "2147483647" : "9223372036854775807";
			return fields(List.of(new FieldProblem(field.isEmpty() ? "(body)" : field,
					"is out of range: a whole number here is at most " + limit, null)), request);
		}
		if (cause instanceof StreamReadException duplicate && duplicate.getOriginalMessage() != null
				&& duplicate.getOriginalMessage().startsWith("Duplicate ")) {
			String name = duplicate.getOriginalMessage().replaceAll("^[^\"]*\"([^\"]*)\".*$", "$1");
			return fields(List.of(new FieldProblem(name, "is given twice; give it once", null)), request);
		}
		if (cause instanceof StreamReadException parse) {
			String where = (parse.getLocation() != null)
					? " at line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr()
					: "";
			return problem(HttpStatus.BAD_REQUEST,
					"The body is not valid JSON" + where + ": " + firstLine(parse.getOriginalMessage()) + ".",
					new HttpHeaders(), request);
		}
		if (cause == null) {
			return problem(HttpStatus.BAD_REQUEST,
					"The request needs a JSON body; GET /swagger-ui.html shows examples to copy.", new HttpHeaders(),
					request);
		}
		return problem(HttpStatus.BAD_REQUEST, "The body could not be read as JSON of the expected shape.",
				new HttpHeaders(), request);
	}

	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		return problem(HttpStatus.NOT_FOUND, "There is nothing at this address; GET /swagger-ui.html lists the API.",
				headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String allowed = (ex.getSupportedMethods() != null) ? String.join(", ", ex.getSupportedMethods()) : "";
		return problem(HttpStatus.METHOD_NOT_ALLOWED,
				ex.getMethod() + " is not allowed here" + (allowed.isEmpty() ? "" : "; this address takes " + allowed)
						+ ". GET /swagger-ui.html lists the methods of every address.",
				headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String sent = (ex.getContentType() != null) ? "it was sent as " + ex.getContentType()
				: "no Content-Type was sent";
		return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
				"The body must be JSON, sent with Content-Type: application/json (" + sent + ").", headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String offered = ex.getSupportedMediaTypes().stream().map(Object::toString).collect(Collectors.joining(", "));
		return problem(HttpStatus.NOT_ACCEPTABLE, offered.isEmpty()
				? "The Accept header could not be understood; ask for application/json, or leave Accept out."
				: "This answer is only available as " + offered + "; ask for that in Accept, or leave Accept out.",
				headers, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotWritable(HttpMessageNotWritableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (causeOf(ex, IOException.class) != null) {
			// The client went away while its answer was written: no one to answer.
			return null;
		}
		return super.handleHttpMessageNotWritable(ex, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex instanceof MethodArgumentTypeMismatchException argument) ? argument.getName()
				: ex.getPropertyName();
		Object value = ex.getValue();
		if (value instanceof Object[] values) {
			return fields(List.of(new FieldProblem(name, "is given " + values.length + " times; give it once",
					List.of(values).stream().map(String::valueOf).toList())), request);
		}
		Class<?> type = ex.getRequiredType();
		String expected = (type != null && type.isEnum()) ? "one of " + List.of(type.getEnumConstants()) : kind(type);
		return fields(List.of(new FieldProblem(name, "must be " + expected, String.valueOf(value))), request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> problems = new ArrayList<>();
		ex.getParameterValidationResults()
			.forEach((result) -> result.getResolvableErrors()
				.forEach((error) -> problems.add(new FieldProblem(result.getMethodParameter().getParameterName(),
						error.getDefaultMessage(), result.getArgument()))));
		return fields(problems, request);
	}

	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		ResponseEntity<Object> answer = super.handleExceptionInternal(ex, body, headers, statusCode, request);
		if (answer == null || answer.getBody() == null) {
			return answer;
		}
		if (answer.getBody() instanceof ProblemDetail problem) {
			complete(problem, request);
		}
		// Set here, the type is kept even when the Accept header could not be parsed
		// (which
		// would otherwise leave the answer without a body).
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(answer.getBody());
	}

	private ResponseEntity<Object> fields(List<FieldProblem> problems, WebRequest request) {
		String detail = (problems.size() == 1) ? "The request is invalid: "
				: "The request has " + problems.size() + " invalid fields: ";
		detail += problems.stream().map((p) -> p.field() + " " + p.message()).collect(Collectors.joining("; ")) + ".";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setProperty("errors", problems);
		complete(problem, request);
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private ResponseEntity<Object> problem(HttpStatus status, String detail, HttpHeaders headers, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		complete(problem, request);
		return ResponseEntity.status(status)
			.headers(headers)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/**
	 * Every problem names its type and instance. The type stays {@code about:blank}: the
	 * status says what kind of problem it is, the detail (and {@code errors}) what to do.
	 */
	private static void complete(ProblemDetail problem, WebRequest request) {
		// Set even when it is the default, so that it is written: Spring leaves it out
		// then.
		problem.setType((problem.getType() != null) ? problem.getType() : ABOUT_BLANK);
		if (problem.getInstance() == null) {
			problem.setInstance(instance(request));
		}
	}

	private static URI instance(WebRequest request) {
		if (request instanceof NativeWebRequest nativeRequest
				&& nativeRequest.getNativeRequest() instanceof HttpServletRequest servlet) {
			return URI.create(servlet.getRequestURI());
		}
		return null;
	}

	private static String describe(WebRequest request) {
		URI uri = instance(request);
		return (uri != null) ? uri.toString() : request.getDescription(false);
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String join(String parent, String child) {
		return parent.isEmpty() ? child : parent + "." + child;
	}

	private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, Integer.class, long.class, Long.class);

	private static String kind(Class<?> type) {
		if (type == null) {
			return "of another type";
		}
		if (WHOLE_NUMBERS.contains(type)) {
			return "a whole number";
		}
		if (type == String.class) {
			return "a string";
		}
		return "a JSON object of the documented shape";
	}

	/**
	 * The parser's message without its source excerpt, location details or the parser's
	 * own settings (a reader cannot turn them on).
	 */
	private static String firstLine(String message) {
		if (message == null) {
			return "unexpected input";
		}
		int end = message.indexOf('\n');
		String line = (end < 0) ? message : message.substring(0, end);
		if (line.contains("ALLOW_COMMENTS") || line.contains("comment")) {
			return "comments are not part of JSON";
		}
		if (line.contains("NaN") || line.contains("Infinity") || line.contains("NON_NUMERIC")) {
			return "NaN and Infinity are not JSON numbers";
		}
		return line.replaceAll("\\s*\\((start marker|through reference chain).*$", "")
			.replaceAll("\\s*at \\[Source.*$", "")
			.replaceAll("\\s*[;:(]?\\s*(to allow|enable|Feature '|JsonReadFeature|JsonParser).*$", "")
			.replaceAll("`", "'")
			.strip();
	}

	private static <T extends Throwable> T causeOf(Throwable error, Class<T> type) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
