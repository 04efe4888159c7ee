package dev.concurrencylab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP contract, checked on every answer a test receives: the OpenAPI document the
 * service itself serves ({@code /v3/api-docs}) must describe it.
 * <ul>
 * <li>For a documented operation, the status is one it names (or its {@code default}),
 * the {@code Content-Type} is one that response names, and a JSON body validates against
 * that response's schema (JSON Schema 2020-12 with OpenAPI 3.1's vocabulary).</li>
 * <li>Any other request (an unknown path, a method the path does not have) gets a 4xx
 * problem detail, valid against the document's {@code Problem} schema.</li>
 * <li>The actuator, the document itself and Swagger UI's files are not part of the
 * contract and are not checked.</li>
 * </ul>
 */
public final class OpenApiContract {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> OUTSIDE = List.of("/actuator", "/v3/api-docs", "/swagger-ui", "/webjars");

	private static final Map<String, OpenApiContract> BY_BASE = new ConcurrentHashMap<>();

	private final JsonNode document;

	private final List<Route> routes;

	private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31());

	private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

	private record Route(String template, Pattern pattern, JsonNode item, int literals) {
	}

	private OpenApiContract(JsonNode document) {
		this.document = document;
		List<Route> routes = new ArrayList<>();
		document.get("paths").properties().forEach((entry) -> {
			String template = entry.getKey();
			String regex = "^" + Pattern.compile("\\{[^/}]+}")
				.splitAsStream(template)
				.map(Pattern::quote)
				.collect(Collectors.joining("[^/]+")) + (template.endsWith("}") ? "[^/]+" : "") + "$";
			int literals = template.replaceAll("\\{[^/}]+}", "").length();
			routes.add(new Route(template, Pattern.compile(regex), entry.getValue(), literals));
		});
		// The most literal template first: /experiments/{id}/tasks before
		// /experiments/{id}.
		routes.sort(Comparator.comparingInt(Route::literals).reversed());
		this.routes = List.copyOf(routes);
	}

	/**
	 * The contract of the service at {@code base}, read from it once.
	 * @param base e.g. {@code http://127.0.0.1:8080}
	 * @return the contract
	 */
	public static OpenApiContract of(String base) {
		return BY_BASE.computeIfAbsent(base, OpenApiContract::read);
	}

	private static OpenApiContract read(String base) {
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).timeout(Duration.ofMinutes(1)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new AssertionError("GET /v3/api-docs answered " + response.statusCode());
			}
			return new OpenApiContract(JSON.readTree(response.body()));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read the OpenAPI document of " + base, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Fails with an {@link AssertionError} naming the difference when the answer is not
	 * what the document says.
	 * @param method the request's method
	 * @param rawPath the request's path as sent (percent-encoded, without the query)
	 * @param status the answer's status
	 * @param contentType the answer's {@code Content-Type}, or null
	 * @param body the answer's body, maybe empty
	 */
	public void check(String method, String rawPath, int status, String contentType, String body) {
		if (OUTSIDE.stream().anyMatch(rawPath::startsWith)) {
			return;
		}
		String request = method + " " + rawPath + " → " + status;
		if (method.equals("OPTIONS")) {
			if (status >= 500) {
				throw new AssertionError(request + ": OPTIONS is answered by the framework, never with 5xx");
			}
			return;
		}
		if (method.equals("HEAD")) {
			// As GET, without the body.
			check("GET", rawPath, status, contentType, null);
			return;
		}
		Route route = this.routes.stream()
			.filter((r) -> r.pattern().matcher(rawPath).matches())
			.findFirst()
			.orElse(null);
		JsonNode operation = (route != null) ? route.item().get(method.toLowerCase(Locale.ROOT)) : null;
		if (operation == null) {
			if (status < 400 || status >= 500) {
				throw new AssertionError(request + ": no documented operation, so a 4xx problem detail was due");
			}
			checkBody(request, "#/components/schemas/Problem", "application/problem+json", contentType, body);
			return;
		}
		JsonNode responses = operation.get("responses");
		String code = Integer.toString(status);
		JsonNode response = responses.has(code) ? responses.get(code) : responses.has(code.charAt(0) + "XX")
				? responses.get(code.charAt(0) + "XX") : responses.get("default");
		if (response == null) {
			throw new AssertionError(request + ": status not documented for " + method + " " + route.template()
					+ " (documented: " + names(responses) + ")");
		}
		JsonNode content = response.get("content");
		if (content == null || content.isEmpty()) {
			if (body != null && !body.isEmpty()) {
				throw new AssertionError(request + ": a body that the document does not describe");
			}
			return;
		}
		String type = baseType(contentType);
		String declared = null;
		for (String name : names(content)) {
			if (name.equals(type) || name.equals("*/*")) {
				declared = name;
				break;
			}
		}
		if (declared == null) {
			throw new AssertionError(request + ": Content-Type " + contentType + " is not one the document names for "
					+ code + " (" + names(content) + ")");
		}
		JsonNode schema = content.get(declared).get("schema");
		if (schema == null || !isJson(declared) || body == null) {
			return;
		}
		checkBody(request,
				"#/paths/" + escape(route.template()) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/"
						+ (responses.has(code) ? code : "default") + "/content/" + escape(declared) + "/schema",
				declared, contentType, body);
	}

	private void checkBody(String request, String pointer, String expectedType, String contentType, String body) {
		if (!expectedType.equals(baseType(contentType))) {
			throw new AssertionError(request + ": Content-Type " + contentType + ", not " + expectedType);
		}
		if (body == null) {
			return; // HEAD
		}
		if (body == null || body.isEmpty()) {
			throw new AssertionError(request + ": an empty body where " + expectedType + " was due");
		}
		JsonNode json;
		try {
			json = JSON.readTree(body);
		}
		catch (RuntimeException ex) {
			throw new AssertionError(request + ": the body is not JSON: " + abbreviate(body));
		}
		List<Error> errors = schema(pointer).validate(json);
		if (!errors.isEmpty()) {
			throw new AssertionError(request + ": the body does not match the document's schema (" + pointer + "): "
					+ errors.stream().limit(5).map(Error::toString).collect(Collectors.joining("; ")) + "\nbody: "
					+ abbreviate(body));
		}
	}

	/**
	 * The schema at a pointer of the document, with the document's components beside it
	 * so that its references resolve.
	 */
	private Schema schema(String pointer) {
		return this.schemas.computeIfAbsent(pointer, (key) -> {
			JsonNode node = this.document.at(key.substring(1));
			if (node.isMissingNode()) {
				throw new AssertionError("The document has no schema at " + key);
			}
			ObjectNode root = JSON.createObjectNode();
			root.set("$ref", JSON.getNodeFactory().stringNode(key.startsWith("#/components/") ? key : "#/it"));
			root.set("it", node);
			root.set("components", this.document.get("components"));
			return this.registry.getSchema(SchemaLocation.of("https://contract.lab.test/" + this.schemas.size()), root);
		});
	}

	private static boolean isJson(String mediaType) {
		return mediaType.equals("application/json") || mediaType.endsWith("+json");
	}

	private static String baseType(String contentType) {
		if (contentType == null) {
			return "";
		}
		int semicolon = contentType.indexOf(';');
		return ((semicolon < 0) ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
	}

	private static List<String> names(JsonNode object) {
		List<String> names = new ArrayList<>();
		object.properties().forEach((entry) -> names.add(entry.getKey()));
		return names;
	}

	private static String escape(String token) {
		return token.replace("~", "~0").replace("/", "~1");
	}

	private static String abbreviate(String text) {
		return (text.length() <= 600) ? text : text.substring(0, 600) + "…";
	}

}
