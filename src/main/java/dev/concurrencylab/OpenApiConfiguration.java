package dev.concurrencylab;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.concurrencylab.workload.Workload;

/**
 * The OpenAPI document's title, the formulas every summary uses, and the problem detail
 * that every error answer is.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String DESCRIPTION = """
			Run the same work under different execution models and see how they behave: per-task timings \
			(start, end, thread, pid, CPU), a summary against the ideal, and the machine's measured capacity.

			**Summary formulas** (all times in ms from the experiment's start, monotonic clock):
			- `wallMillis`: from the start to the last task's end.
			- `overlap` = Σ task durations ÷ wallMillis: how many tasks ran at once on average.
			- `sequentialEstimateMillis` = the time these tasks (those that succeeded) would take one after \
			another on one thread: n × (c₁ + w), c₁ a task's computation at the calibrated single-thread cost of \
			the kernel (`GET /machine`), w its nominal waits. `speedup` = sequentialEstimateMillis ÷ wallMillis, \
			the same meaning in every mode (null while no capacity has been measured and the tasks compute). \
			Comparisons add `vsSequential` = the sequential mode's median wall ÷ this mode's median wall.
			- `idealMillis`: what a perfect scheduler would achieve. With n tasks, each waiting w ms and computing \
			c ms (c = iterations × the kernel's ns per iteration measured on one thread by `GET /machine`), \
			P = min(concurrency, n) tasks in flight and Pc = max(1, min(the mode's compute parallelism, measured \
			capacity C)) of them able to compute at once: **ideal = max(⌈n ÷ P⌉ × (c + w), n × c ÷ Pc + w)**. \
			Pure waits give ⌈n ÷ P⌉ × w; pure computation n × c ÷ Pc. The compute parallelism is 1 for \
			`sequential`, `gil-threads` and `event-loop`, min(concurrency, cores) for `async` and `reactive` \
			(their computation pool), and `concurrency` otherwise. `idealFormula` shows the numbers used.
			- `efficiency` = idealMillis ÷ wallMillis (1.0 is perfect).
			- `cpuMillis`: CPU time the service process used during the run (other runs sharing the machine add \
			to it; see `interference`), plus in the process modes what the worker processes used: each task's \
			own CPU time as the worker measured it and each worker's start-up (`spawnCpuMillis`).
			- `interference`: what shared the machine with the run, over its window (admission to end): the other \
			lab runs that overlapped it (`otherRuns`, `otherRunsBusyTaskSeconds`), the service's CPU time \
			(`serviceCpuMillis`) and the part outside this run's own tasks (`serviceCpuOutsideTasksMillis`: GC, \
			JIT, harness, other runs), collector and JIT time (`gcMillis`, `jitMillis`), and from Linux's \
			/proc/stat the host's steal (`hostStealPercent`) and the CPU time of processes outside the lab \
			(`otherProcessesCpuMillis`). With `isolation` `exclusive` (the default for computation, and always \
			for comparisons and calibrations) a run waits in QUEUED until nothing else runs, and nothing else \
			starts while it runs.

			Errors are RFC 9457 problem details; validation errors list each field in `errors`.
			""";

	@Bean
	OpenAPI labOpenApi() {
		return new OpenAPI().info(new Info().title("Concurrency Lab")
			.version("v1")
			.description(DESCRIPTION)
			.license(new License().name("Apache-2.0")));
	}

	static final String PROBLEM = "Problem";

	private static final String PROBLEM_JSON = "application/problem+json";

	/**
	 * Every operation documents its errors as problem details: the error responses it
	 * names get the {@code Problem} schema, and a {@code default} response covers the
	 * rest (a malformed request, an unacceptable {@code Accept}, a service that is
	 * shutting down), so that a client generated from the document can read every answer.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			Map<String, Schema> schemas = openApi.getComponents().getSchemas();
			mapWorkloadTypes(schemas);
			schemas.values().forEach(OpenApiConfiguration::allowNullWhereOptional);
			openApi.getComponents().addSchemas(PROBLEM, problemSchema());
			for (PathItem path : openApi.getPaths().values()) {
				path.readOperations().forEach((operation) -> {
					ApiResponses responses = operation.getResponses();
					responses.values().forEach(OpenApiConfiguration::completeProblem);
					if (!responses.containsKey("default")) {
						responses.addApiResponse("default", new ApiResponse()
							.description("Any other error, as a problem detail (RFC 9457)")
							.content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(problemRef()))));
					}
				});
			}
		};
	}

	/**
	 * The workload's {@code type} names its schema: {@code sleep} is
	 * {@code SleepWorkload}, and a {@code SleepWorkload} has no other {@code type} (else
	 * a sleep is also a valid {@code HttpWorkload}, and {@code oneOf} fails).
	 */
	private static void mapWorkloadTypes(Map<String, Schema> schemas) {
		Schema<?> workload = schemas.get("Workload");
		if (workload == null || workload.getDiscriminator() == null) {
			return;
		}
		for (JsonSubTypes.Type subtypeOf : Workload.class.getAnnotation(JsonSubTypes.class).value()) {
			String type = subtypeOf.name();
			String name = subtypeOf.value().getSimpleName();
			workload.getDiscriminator().mapping(type, "#/components/schemas/" + name);
			Schema<?> subtype = schemas.get(name);
			if (subtype != null && subtype.getAllOf() != null) {
				subtype.getAllOf()
					.stream()
					.filter((part) -> part.get$ref() == null)
					.forEach((part) -> part
						.addProperty("type", typed("string").description("always " + type)._enum(List.of(type)))
						.addRequiredItem("type"));
			}
		}
	}

	/**
	 * A property that is not required may be sent and answered as {@code null} (a label
	 * nobody gave, a summary not there yet): the schema says so, as OpenAPI 3.1 does,
	 * with the type {@code null}.
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static void allowNullWhereOptional(Schema<?> schema) {
		if (schema.getAllOf() != null) {
			schema.getAllOf().forEach(OpenApiConfiguration::allowNullWhereOptional);
		}
		if (schema.getProperties() == null) {
			return;
		}
		List<String> required = (schema.getRequired() != null) ? schema.getRequired() : List.of();
		Map<String, Schema> properties = (Map) schema.getProperties();
		properties.replaceAll((name, property) -> {
			if (required.contains(name) || property.getOneOf() != null) {
				return property;
			}
			if (property.get$ref() != null) {
				return new Schema<>().anyOf(List.of(new Schema<>().$ref(property.get$ref()), typed("null")));
			}
			if (property.getTypes() != null && !property.getTypes().isEmpty()) {
				Set<String> types = new LinkedHashSet<>(property.getTypes());
				types.add("null");
				property.setTypes(types);
				if (property.getEnum() != null && property.getEnum().stream().noneMatch(Objects::isNull)) {
					List<Object> values = new ArrayList<>(property.getEnum());
					values.add(null);
					property.setEnum(values);
				}
			}
			return property;
		});
	}

	private static void completeProblem(ApiResponse response) {
		if (response.getContent() != null && response.getContent().get(PROBLEM_JSON) != null
				&& response.getContent().get(PROBLEM_JSON).getSchema() == null) {
			response.getContent().get(PROBLEM_JSON).setSchema(problemRef());
		}
	}

	private static Schema<Object> problemRef() {
		return new Schema<>().$ref("#/components/schemas/" + PROBLEM);
	}

	private static Schema<Object> problemSchema() {
		Schema<Object> fieldProblem = typed("object").description("One invalid field")
			.addProperty("field", typed("string").description("the field's path, e.g. workload.millis"))
			.addProperty("message", typed("string").description("what is wrong and what is allowed"))
			.addProperty("rejectedValue", new Schema<>().description("the value sent, or null if absent"))
			.required(List.of("field", "message"));
		return typed("object").description("An RFC 9457 problem detail: what went wrong and what to do")
			.addProperty("type", typed("string").description("always about:blank: the status says the kind"))
			.addProperty("title", typed("string").description("the status's reason phrase"))
			.addProperty("status", typed("integer").format("int32").description("the HTTP status"))
			.addProperty("detail", typed("string").description("a sentence saying what went wrong and what to do"))
			.addProperty("instance", typed("string").description("the request's path"))
			.addProperty("errors",
					typed("array").items(fieldProblem).description("validation errors only: each invalid field"))
			.required(List.of("type", "title", "status", "detail"));
	}

	private static Schema<Object> typed(String type) {
		Schema<Object> schema = new Schema<>();
		schema.setTypes(Set.of(type));
		return schema;
	}

}
