package dev.concurrencylab.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Streamed answers (CSV of every task, traces) are written on virtual threads, one each:
 * a client that stops reading holds its own writer until the 5 s write timeout, not one
 * of a small shared pool that every other download waits for.
 */
@Configuration(proxyBeanMethods = false)
class DownloadsConfiguration implements WebMvcConfigurer {

	@Override
	public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
		SimpleAsyncTaskExecutor downloads = new SimpleAsyncTaskExecutor("download-");
		downloads.setVirtualThreads(true);
		configurer.setTaskExecutor(downloads);
	}

}
