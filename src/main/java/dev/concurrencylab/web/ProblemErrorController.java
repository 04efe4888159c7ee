package dev.concurrencylab.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Hidden;

/**
 * The error page, in place of Spring Boot's: the errors that happen outside a controller
 * (in a filter, in the servlet container) are answered with a problem detail like every
 * other error. Asked for directly, {@code /error} is not found.
 *
 * <p>
 * Parameters that Tomcat cannot read (more than 1,000 of them, an invalid
 * percent-encoding in a form body) are the client's error: 400, whichever status the
 * container had picked.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

	private static final Logger logger = LoggerFactory.getLogger(ProblemErrorController.class);

	@RequestMapping("${server.error.path:${error.path:/error}}")
	ResponseEntity<byte[]> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
		Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		String instance = (uri instanceof String path) ? path : null;
		int status;
		String detail;
		InvalidParameterException parameters = causeOf(error, InvalidParameterException.class);
		if (!(code instanceof Integer given)) {
			status = HttpStatus.NOT_FOUND.value();
			detail = "There is nothing at this address; GET /swagger-ui.html lists the API.";
			instance = request.getRequestURI();
		}
		else if (parameters != null) {
			status = HttpStatus.BAD_REQUEST.value();
			detail = ParameterErrors.detail(parameters);
		}
		else if (causeOf(error, HttpMessageNotReadableException.class) != null) {
			status = HttpStatus.BAD_REQUEST.value();
			detail = "The request body could not be read; the API takes JSON bodies (GET /swagger-ui.html shows examples).";
		}
		else if (given == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			status = given;
			detail = "The service is not taking requests now (it may be shutting down); try again later.";
		}
		else if (causeOf(error, ClientAbortException.class) != null) {
			// The client went away while its answer was written: nobody reads this one.
			logger.debug("Client went away during {}", instance, error);
			status = HttpStatus.BAD_REQUEST.value();
			detail = ProblemBody.clientDetail(status);
		}
		else if (given >= 500) {
			logger.error("Unexpected error answering {}", instance, error);
			status = HttpStatus.INTERNAL_SERVER_ERROR.value();
			detail = "Something went wrong on our side; the service log has the details. Your other experiments are not affected.";
		}
		else {
			status = given;
			detail = ProblemBody.clientDetail(given);
		}
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(ProblemBody.json(status, detail, instance));
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
