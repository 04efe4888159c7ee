package dev.concurrencylab.experiment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.concurrencylab.LabProperties;
import dev.concurrencylab.execution.ModeRunner;
import dev.concurrencylab.store.Replica;
import dev.concurrencylab.execution.Modes;
import dev.concurrencylab.worker.WorkerLauncher;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The web layer alone: every 4xx of the contract is a problem detail with a useful
 * sentence, and no bad request ever reaches the service (so never creates an experiment
 * or starts a thread).
 */
@WebMvcTest(controllers = ExperimentController.class)
@EnableConfigurationProperties(LabProperties.class)
@Import({ ExperimentRequestValidator.class, ExperimentStarter.class, ProgressStreams.class, Modes.class,
		BodySizeLimitFilter.class })
@ComponentScan(basePackageClasses = ModeRunner.class,
		includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ModeRunner.class),
		useDefaultFilters = false)
class ExperimentControllerTest {

	@Autowired
	private MockMvc mvc;

	@MockitoBean
	private ExperimentService experiments;

	@MockitoBean
	private WorkerLauncher workers;

	@MockitoBean
	private ExperimentStore store;

	@MockitoBean
	private Replica replica;

	@AfterEach
	void badRequestsNeverReachTheService() {
		verify(this.experiments, never()).start(any());
	}

	@Test
	void postWithUnknownModeShouldReturnProblemDetail() throws Exception {
		postJson("{\"mode\":\"warp-drive\",\"workload\":{\"type\":\"sleep\",\"millis\":10}}")
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("about:blank"))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.instance").value("/experiments"))
			.andExpect(jsonPath("$.errors[0].field").value("mode"))
			.andExpect(jsonPath("$.errors[0].rejectedValue").value("warp-drive"))
			.andExpect(jsonPath("$.errors[0].message").value(containsString("virtual-threads")));
	}

	@Test
	void postWithUnknownWorkloadTypeShouldNameTheKnownTypes() throws Exception {
		postJson("{\"mode\":\"async\",\"workload\":{\"type\":\"disk\",\"millis\":10}}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload.type"))
			.andExpect(jsonPath("$.errors[0].message").value(containsString("sleep, cpu, mixed, http")));
	}

	@Test
	void postWithMissingFieldsShouldListEach() throws Exception {
		postJson("{\"workload\":{\"type\":\"sleep\"}}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload.millis"))
			.andExpect(jsonPath("$.errors[0].message").value("is required"));
		postJson("{\"workload\":{\"type\":\"sleep\",\"millis\":1}}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("mode"));
		postJson("{\"mode\":\"async\"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload"));
	}

	@Test
	void postWithOutOfRangeFieldsShouldListEveryOne() throws Exception {
		postJson("{\"mode\":\"platform-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":60001,\"steps\":0},"
				+ "\"tasks\":1000001,\"concurrency\":2001,\"timeoutMillis\":600001,\"label\":\"" + "x".repeat(101)
				+ "\"}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors.length()").value(6))
			.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("workload.millis",
					"workload.steps", "tasks", "concurrency", "timeoutMillis", "label")))
			.andExpect(jsonPath("$.detail").value(containsString("6 invalid fields")));
	}

	@Test
	void postWithConcurrencyAboveTasksShouldBeRejectedForVirtualThreads() throws Exception {
		postJson("{\"mode\":\"virtual-threads\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"tasks\":5,"
				+ "\"concurrency\":6}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("concurrency"))
			.andExpect(jsonPath("$.errors[0].message").value(containsString("between 1 and 5")));
	}

	@Test
	void postWithUnknownFieldShouldBeRejected() throws Exception {
		postJson("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":1},\"threads\":4}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("threads"))
			.andExpect(jsonPath("$.errors[0].message").value(containsString("concurrency")));
		postJson("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":1,\"seconds\":4}}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload.seconds"));
	}

	@Test
	void postWithWrongTypesShouldSayWhatIsExpected() throws Exception {
		postJson("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":\"soon\"}}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload.millis"))
			.andExpect(jsonPath("$.errors[0].message").value("must be a whole number"));
		postJson("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":1.5}}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("workload.millis"));
	}

	@Test
	void postWithMalformedJsonShouldSayWhere() throws Exception {
		postJson("{\"mode\":\"async\",").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("not valid JSON at line 1")))
			.andExpect(jsonPath("$.detail").value(not(containsString("Source"))));
		postJson("").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("needs a JSON body")));
	}

	@Test
	void postWithNegativeWaitShouldBeRejected() throws Exception {
		this.mvc
			.perform(post("/experiments?waitMillis=-1").contentType(MediaType.APPLICATION_JSON)
				.content("{\"mode\":\"async\",\"workload\":{\"type\":\"sleep\",\"millis\":1}}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("waitMillis"));
	}

	@Test
	void postWithWrongContentTypeShouldReturn415() throws Exception {
		this.mvc.perform(post("/experiments").contentType(MediaType.TEXT_PLAIN).content("sleep please"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("text/plain")));
	}

	@Test
	void wrongMethodShouldReturn405() throws Exception {
		this.mvc.perform(put("/experiments"))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
	}

	@Test
	void unacceptableAcceptShouldReturn406() throws Exception {
		this.mvc.perform(get("/experiments/abc").accept(MediaType.APPLICATION_PDF))
			.andExpect(status().isNotAcceptable());
	}

	@Test
	void bodyLargerThan64KibShouldReturn413() throws Exception {
		String padding = " ".repeat(70 * 1024);
		postJson("{\"mode\":\"async\"," + padding + "\"workload\":{\"type\":\"sleep\",\"millis\":1}}")
			.andExpect(status().isPayloadTooLarge())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("64 KiB")));
	}

	@Test
	void unknownExperimentShouldReturn404() throws Exception {
		given(this.experiments.view("nope")).willThrow(new ExperimentNotFoundException("nope"));
		this.mvc.perform(get("/experiments/nope"))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.detail").value(containsString("'nope'")));
	}

	@Test
	void cancelWhenFinishedShouldReturnConflict() throws Exception {
		given(this.experiments.cancel("done"))
			.willThrow(new ExperimentFinishedException("done", ExperimentStatus.SUCCEEDED));
		this.mvc.perform(delete("/experiments/done"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("already finished with status SUCCEEDED")));
	}

	@Test
	void taskPageLimitAbove10000ShouldBeRejected() throws Exception {
		this.mvc.perform(get("/experiments/abc/tasks?limit=10001"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("limit"));
	}

	@Test
	void unexpectedErrorsShouldNeverShowAStackTrace() throws Exception {
		given(this.experiments.view("boom")).willThrow(new IllegalStateException("secret internals"));
		this.mvc.perform(get("/experiments/boom"))
			.andExpect(status().isInternalServerError())
			.andExpect(content().string(not(containsString("secret internals"))))
			.andExpect(content().string(not(containsString("IllegalStateException"))))
			.andExpect(content().string(not(containsString("at dev."))));
	}

	private ResultActions postJson(String body) throws Exception {
		return this.mvc.perform(post("/experiments").contentType(MediaType.APPLICATION_JSON).content(body));
	}

}
