package dev.concurrencylab.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.concurrencylab.ConcurrencyLabApplication;
import dev.concurrencylab.LabHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Results survive a restart: an experiment and a comparison answer byte for byte as they
 * did before the service stopped, and an experiment the service was running when it died
 * reads FAILED at the next start.
 */
class RestartIntegrationTest {

	@TempDir
	Path data;

	@Test
	void resultsShouldReadTheSameAfterARestartOnTheSameH2File() throws Exception {
		restart(new Store("jdbc:h2:file:" + this.data.resolve("lab") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", ""));
	}

	/**
	 * A second instance, another process, on the same H2 file cannot open it (H2 locks it
	 * against other processes): it stops at start-up saying what to do, and the first
	 * keeps serving.
	 */
	@Test
	void aSecondInstanceOnTheSameFileShouldBeToldToUseAStoreOfItsOwn() throws Exception {
		String url = "jdbc:h2:file:" + this.data.resolve("shared") + ";DB_CLOSE_ON_EXIT=FALSE";
		try (ConfigurableApplicationContext first = start(new Store(url, "sa", "")); LabHttp http = http(first)) {
			Process second = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
					System.getProperty("java.class.path"), ConcurrencyLabApplication.class.getName(), "--server.port=0",
					"--server.address=127.0.0.1", "--spring.datasource.url=" + url)
				.redirectErrorStream(true)
				.start();
			String output;
			try {
				output = new String(second.getInputStream().readAllBytes());
				assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second instance ends").isTrue();
			}
			finally {
				second.destroyForcibly();
			}
			assertThat(second.exitValue()).isNotZero();
			assertThat(output)
				.contains("is in use by another process: another instance of the lab started in the same folder")
				.contains("--spring.datasource.url=jdbc:h2:file:./data-2/concurrency-lab");
			assertThat(http.get("/experiments").status()).isEqualTo(200);
		}
	}

	/**
	 * PostgreSQL where deploy/postgres.sh started one (CI does), in a schema of its own.
	 */
	@Test
	void resultsShouldReadTheSameAfterARestartOnPostgreSql() throws Exception {
		String url = System.getenv("LAB_TEST_WORKLOAD_DB_URL");
		Assumptions.assumeTrue(url != null, "no PostgreSQL: LAB_TEST_WORKLOAD_DB_URL is not set");
		String schema = "lab_restart_" + Long.toHexString(System.nanoTime());
		restart(new Store(url + "?currentSchema=" + schema, System.getenv("LAB_TEST_WORKLOAD_DB_USER"),
				System.getenv("LAB_TEST_WORKLOAD_DB_PASSWORD"), "--spring.flyway.schemas=" + schema));
	}

	/** Where the store is, and what else the service needs to use it. */
	private record Store(String url, String user, String password, String... options) {
	}

	private void restart(Store store) throws Exception {
		Map<String, String> before = new LinkedHashMap<>();
		String experiment;
		String comparison;
		try (ConfigurableApplicationContext service = start(store); LabHttp http = http(service)) {
			LabHttp.Answer posted = http.post("/experiments",
					"{\"mode\": \"virtual-threads\", \"workload\": {\"type\": \"sleep\", \"millis\": 5}, \"tasks\": 150, "
							+ "\"label\": \"restart\"}");
			assertThat(posted.status()).isEqualTo(201);
			experiment = posted.json().get("id").asString();
			LabHttp.Answer compared = http.post("/comparisons",
					"{\"workload\": {\"type\": \"sleep\", \"millis\": 5}, \"tasks\": 4, "
							+ "\"modes\": [\"sequential\", \"virtual-threads\"], \"repeats\": 2}");
			assertThat(compared.status()).isEqualTo(201);
			comparison = compared.json().get("id").asString();
			before.putAll(read(http, experiment, comparison));
		}
		String crashed = leaveRunning(store, experiment);

		try (ConfigurableApplicationContext service = start(store); LabHttp http = http(service)) {
			Map<String, String> after = read(http, experiment, comparison);
			for (String path : before.keySet()) {
				assertThat(after.get(path)).as(path).isEqualTo(before.get(path));
			}
			assertThat(before.get("/experiments/" + experiment + "/tasks?offset=0&limit=200"))
				.contains("\"total\":150");
			JsonNode died = http.get("/experiments/" + crashed).json();
			assertThat(died.get("status").asString()).isEqualTo("FAILED");
			assertThat(died.get("error").asString()).startsWith("The service stopped while it ran");
			JsonNode listed = http.get("/experiments?size=100").json();
			assertThat(listed.get("items").valueStream().map((item) -> item.get("id").asString())).contains(experiment,
					crashed);
		}
	}

	private static Map<String, String> read(LabHttp http, String experiment, String comparison) {
		Map<String, String> bodies = new LinkedHashMap<>();
		for (String path : new String[] { "/experiments/" + experiment, "/experiments/" + experiment + "/tasks",
				"/experiments/" + experiment + "/tasks?offset=0&limit=200",
				"/experiments/" + experiment + "/timeline.svg", "/comparisons/" + comparison,
				"/comparisons/" + comparison + "/chart.svg" }) {
			LabHttp.Answer answer = path.endsWith("/tasks") ? csv(http, path) : http.get(path);
			assertThat(answer.status()).as(path).isEqualTo(200);
			bodies.put(path, answer.body());
		}
		return bodies;
	}

	private static LabHttp.Answer csv(LabHttp http, String path) {
		LabHttp.Answer answer = http.getAccepting(path, "text/csv");
		assertThat(answer.body().lines().count()).as(path).isEqualTo(151);
		return answer;
	}

	/**
	 * What a service killed mid-run leaves: a row that says RUNNING, beaten by this very
	 * replica a moment ago (a copy of a finished one, its status put back).
	 */
	private static String leaveRunning(Store store, String finished) throws Exception {
		String id = "00000000-0000-0000-0000-00000000dead";
		try (Connection db = DriverManager.getConnection(store.url(), store.user(), store.password());
				PreparedStatement row = db.prepareStatement("""
						INSERT INTO experiments (id, sequence, replica, status, mode, workload, tasks, concurrency,
						    created_at, heartbeat_at)
						SELECT ?, sequence + 1000, replica, 'RUNNING', mode, workload, tasks, concurrency, created_at,
						    CURRENT_TIMESTAMP
						FROM experiments WHERE id = ?""");
				PreparedStatement view = db.prepareStatement("""
						INSERT INTO experiment_views (experiment_id, view_json)
						SELECT ?, REPLACE(REPLACE(view_json, ?, ?), '"status":"SUCCEEDED"', '"status":"RUNNING"')
						FROM experiment_views WHERE experiment_id = ?""")) {
			row.setString(1, id);
			row.setString(2, finished);
			assertThat(row.executeUpdate()).isEqualTo(1);
			view.setString(1, id);
			view.setString(2, finished);
			view.setString(3, id);
			view.setString(4, finished);
			assertThat(view.executeUpdate()).isEqualTo(1);
		}
		return id;
	}

	private static ConfigurableApplicationContext start(Store store) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.datasource.url=" + store.url(), "--spring.datasource.username=" + store.user(),
				"--spring.datasource.password=" + store.password(), "--lab.store.replica-id=restart-test",
				"--logging.level.root=WARN"));
		arguments.addAll(List.of(store.options()));
		return SpringApplication.run(ConcurrencyLabApplication.class, arguments.toArray(String[]::new));
	}

	private static LabHttp http(ConfigurableApplicationContext service) {
		return new LabHttp(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
	}

}
