package dev.concurrencylab.experiment;

import java.util.List;

/** A request whose fields break the contract; answered 400 with every problem listed. */
class InvalidRequestException extends RuntimeException {

	private final List<FieldProblem> problems;

	InvalidRequestException(List<FieldProblem> problems) {
		super(problems.size() + " invalid field(s)");
		this.problems = List.copyOf(problems);
	}

	List<FieldProblem> problems() {
		return this.problems;
	}

}
