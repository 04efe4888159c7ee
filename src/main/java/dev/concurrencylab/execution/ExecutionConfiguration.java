package dev.concurrencylab.execution;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.concurrencylab.LabClock;

/** Beans shared by every mode. */
@Configuration(proxyBeanMethods = false)
class ExecutionConfiguration {

	@Bean
	LabClock labClock() {
		return LabClock.SYSTEM;
	}

}
