package dev.concurrencylab.web;

import org.apache.tomcat.util.http.InvalidParameterException;

/**
 * What to tell a client whose query or form parameters Tomcat could not read.
 */
public final class ParameterErrors {

	private ParameterErrors() {
	}

	/**
	 * A sentence for the problem detail.
	 * @param ex Tomcat's exception (its message quotes the parameter, so it is not
	 * echoed)
	 * @return the detail
	 */
	public static String detail(InvalidParameterException ex) {
		String message = String.valueOf(ex.getMessage());
		if (message.contains("maximum number")) {
			return "The request has more query and form parameters than the service reads (1,000); send fewer.";
		}
		return "A query or form parameter could not be decoded: use valid percent-encoding (%41, not %zz) of UTF-8 text.";
	}

}
