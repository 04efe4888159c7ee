/**
 * Answers that the web container gives before (or instead of) a controller: the
 * {@code /error} page and Tomcat's own rejections, as problem details like every other
 * error.
 */
package dev.concurrencylab.web;
