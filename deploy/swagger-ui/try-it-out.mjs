// Swagger UI "Try it out" on POST /experiments, in a real browser: Debian's Chromium, headless,
// driven by playwright-core (no browser download). Run by ../swagger-ui-e2e.sh BASE_URL against
// a service that is already running.
//
//   node try-it-out.mjs http://127.0.0.1:8080
//
// Opens BASE_URL/swagger-ui.html, waits for the operations, expands POST /experiments, clicks
// "Try it out", keeps the request body example Swagger UI fills in (it must be one of the
// examples of the OpenAPI document, and a real experiment, not {} or a schema placeholder),
// clicks "Execute" and checks the live response: code 201 and a body with the run's timings.
// The page must log no console errors and throw no uncaught exceptions.
//
// Exit code 0 and one "PASSED" line on success; 1 and one "FAILED: ..." line on failure, with
// the path of a full-page screenshot (and the page's HTML) in a temporary folder.
//
// Environment: CHROMIUM (default /usr/bin/chromium), UI_TIMEOUT_MS (default 30000: every wait
// for the page), RESPONSE_TIMEOUT_MS (default 45000: the wait for the response after "Execute";
// POST /experiments answers after at most waitMillis, 30 s by default, with 201 or 202).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const started = Date.now();
const baseArg = process.argv[2] ?? process.env.BASE_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const UI_TIMEOUT = Number(process.env.UI_TIMEOUT_MS || 30000);
const RESPONSE_TIMEOUT = Number(process.env.RESPONSE_TIMEOUT_MS || 45000);
const EXPECTED_STATUS = '201';
// Chromium must not try to reach the internet: this network refuses those connections.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

const log = (message) => console.log(`[swagger-ui ${new Date().toISOString().slice(11, 19)}] ${message}`);
const oneLine = (text) => String(text).split('\n').map((line) => line.trim()).filter(Boolean)[0] ?? '';
const excerpt = (text) => String(text).replace(/\s+/g, ' ').trim().slice(0, 300);

class CheckFailure extends Error {}
const fail = (message) => {
	throw new CheckFailure(message);
};

// Runs one step; a Playwright error (a timeout, say) becomes one line naming the step.
let currentStep = 'start';
async function step(name, action) {
	currentStep = name;
	try {
		return await action();
	} catch (error) {
		if (error instanceof CheckFailure) throw error;
		const hint = /ECONNREFUSED|ERR_CONNECTION_REFUSED/.test(error.message) ? ' (is the service running there?)' : '';
		throw new CheckFailure(`${name}: ${oneLine(error.message)}${hint}`);
	}
}

if (!baseArg) {
	console.log('usage: node try-it-out.mjs BASE_URL   (e.g. http://127.0.0.1:8080)');
	process.exit(2);
}
const BASE_URL = baseArg.replace(/\/+$/, '');

const consoleErrors = [];
let browser;
let page;
let exitCode = 1;
try {
	browser = await step(`launch ${CHROMIUM}`, () =>
		chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: UI_TIMEOUT }));
	log(`Chromium ${browser.version()} started in ${Date.now() - started} ms`);
	page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	page.setDefaultTimeout(UI_TIMEOUT);
	page.on('console', (message) => {
		if (message.type() === 'error') consoleErrors.push(`console error: ${oneLine(message.text())}`);
	});
	page.on('pageerror', (error) => consoleErrors.push(`uncaught exception: ${oneLine(error.message)}`));
	page.on('requestfailed', (request) => {
		if (request.url().startsWith(BASE_URL))
			consoleErrors.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
	});

	await step(`open ${BASE_URL}/swagger-ui.html`, async () => {
		const response = await page.goto(`${BASE_URL}/swagger-ui.html`, { waitUntil: 'load', timeout: UI_TIMEOUT });
		if (!response || !response.ok()) fail(`${BASE_URL}/swagger-ui.html answered ${response?.status()}`);
	});
	// The examples Swagger UI should offer: the OpenAPI document's, fetched by the browser context.
	const apiDocs = await step(`GET ${BASE_URL}/v3/api-docs`, async () => {
		const response = await page.request.get(`${BASE_URL}/v3/api-docs`, { timeout: UI_TIMEOUT });
		if (!response.ok()) fail(`GET ${BASE_URL}/v3/api-docs answered ${response.status()}`);
		return response.json();
	});
	const documented = apiDocs?.paths?.['/experiments']?.post?.requestBody?.content?.['application/json'];
	const examples = Object.values(documented?.examples ?? {}).map((example) => example.value);
	if (documented?.example !== undefined) examples.push(documented.example);
	if (examples.length === 0) fail('the OpenAPI document has no request body example for POST /experiments');

	// The operations, or Swagger UI's own error box (e.g. "Failed to load API definition").
	const uiErrors = page.locator('.swagger-ui .errors-wrapper');
	await step('wait for the operations to render (.opblock)', () =>
		page.locator('.opblock').first().or(uiErrors).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT }));
	if (await uiErrors.isVisible()) fail(`Swagger UI shows errors: ${excerpt(await uiErrors.innerText())}`);
	const operations = await page.locator('.opblock').count();
	log(`Swagger UI shows ${operations} operations (${Date.now() - started} ms)`);

	// The operation block of POST /experiments, and its summary line (a button) that expands it.
	const operation = page.locator('.opblock.opblock-post').filter({
		has: page.locator('.opblock-summary-path[data-path="/experiments"]'),
	});
	await step('find the POST /experiments operation', () =>
		operation.waitFor({ state: 'visible', timeout: UI_TIMEOUT }));
	await step('expand POST /experiments', async () => {
		await operation.locator('.opblock-summary-control').click({ timeout: UI_TIMEOUT });
		await operation.locator('.opblock-body').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
	});

	// "Try it out" (with springdoc's tryItOutEnabled the form is editable already and the button
	// says "Cancel": then there is nothing to click).
	const tryItOut = operation.getByRole('button', { name: 'Try it out', exact: true });
	const execute = operation.getByRole('button', { name: 'Execute', exact: true });
	await step('wait for the "Try it out" or "Execute" button', () =>
		tryItOut.or(execute).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT }));
	if (await tryItOut.isVisible()) {
		await step('click "Try it out"', () => tryItOut.click({ timeout: UI_TIMEOUT }));
		log('clicked "Try it out"');
	} else {
		log('"Try it out" is on already (tryItOutEnabled)');
	}
	await step('wait for the "Execute" button', () => execute.waitFor({ state: 'visible', timeout: UI_TIMEOUT }));

	// The request body Swagger UI filled in: kept as it is, but it must be a real experiment.
	const bodyEditor = operation.locator('textarea.body-param__text');
	const bodyText = await step('read the request body example', async () => {
		await bodyEditor.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
		return bodyEditor.inputValue({ timeout: UI_TIMEOUT });
	});
	let body;
	try {
		body = JSON.parse(bodyText);
	} catch {
		fail(`the request body example is not JSON: ${excerpt(bodyText)}`);
	}
	const compact = JSON.stringify(body);
	if (!body || typeof body !== 'object' || Object.keys(body).length === 0)
		fail(`the request body example is empty: ${compact}`);
	if (/"(string|integer|number)"/.test(compact) || /\b(additionalProp\d*)\b/.test(compact))
		fail(`the request body example is a schema placeholder, not an example: ${compact}`);
	if (!examples.some((example) => JSON.stringify(example) === compact))
		fail(`the request body in Swagger UI is none of the OpenAPI examples: ${compact}`);
	if (typeof body.mode !== 'string' || typeof body.workload?.type !== 'string' || !Number.isInteger(body.tasks))
		fail(`the request body example has no mode, workload.type or tasks: ${compact}`);
	const exampleName = await operation
		.locator('.body-param-options select, .examples-select select')
		.first()
		.evaluate((select) => select.options[select.selectedIndex]?.text ?? '', null, { timeout: 2000 })
		.catch(() => '');
	log(`request body example${exampleName ? ` "${exampleName}"` : ''}: ${compact}`);

	// Execute, then the live response: its code and its body.
	const executeStarted = Date.now();
	await step('click "Execute"', () => execute.click({ timeout: UI_TIMEOUT }));
	const liveStatus = operation.locator('.responses-table.live-responses-table .response .response-col_status');
	await step(`wait for the live response (.live-responses-table) after "Execute", up to ${RESPONSE_TIMEOUT} ms`,
		() => liveStatus.first().waitFor({ state: 'visible', timeout: RESPONSE_TIMEOUT }));
	const executeMillis = Date.now() - executeStarted;
	const status = (await liveStatus.first().innerText({ timeout: UI_TIMEOUT })).trim();
	const responseBody = operation.locator('.live-responses-table .response-col_description .response-body pre, ' +
		'.live-responses-table .response-col_description pre.microlight').first();
	const responseText = await step('read the live response body', async () => {
		await responseBody.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
		return responseBody.innerText({ timeout: UI_TIMEOUT });
	});
	if (status !== EXPECTED_STATUS)
		fail(`the response code cell shows ${status || '(nothing)'}, not ${EXPECTED_STATUS}: ${excerpt(responseText)}`);
	for (const field of ['"summary"', '"wallMillis"', '"timings"', '"durationMillis"', '"startMillis"', '"thread"'])
		if (!responseText.includes(field)) fail(`the response body has no ${field}: ${excerpt(responseText)}`);
	let result;
	try {
		result = JSON.parse(responseText);
	} catch (error) {
		fail(`the response body Swagger UI shows is not JSON (${oneLine(error.message)})`);
	}
	if (result.status !== 'SUCCEEDED') fail(`the experiment's status is ${result.status}, not SUCCEEDED`);
	if (result.summary?.succeeded !== body.tasks)
		fail(`summary.succeeded is ${result.summary?.succeeded}, not the ${body.tasks} tasks posted`);
	if (!(result.summary?.wallMillis > 0)) fail(`summary.wallMillis is ${result.summary?.wallMillis}`);
	if (!Array.isArray(result.timings) || result.timings.length === 0) fail('the response has no timings');

	// Let late messages arrive, then: nothing may have gone wrong in the page.
	await page.waitForTimeout(500);
	if (consoleErrors.length > 0) fail(`the page reported ${consoleErrors.length} error(s): ${consoleErrors.join('; ')}`);

	log(`PASSED: ${status} in ${executeMillis} ms after "Execute"; ${result.mode}, ${result.tasks} tasks, ` +
		`wall ${result.summary.wallMillis} ms, ${result.timings.length} timings shown; ` +
		`browser check ${((Date.now() - started) / 1000).toFixed(1)} s`);
	exitCode = 0;
} catch (error) {
	const reason = error instanceof CheckFailure ? error.message : `${currentStep}: ${oneLine(error?.stack ?? error)}`;
	let evidence = '';
	if (page && page.url() !== 'about:blank') {
		try {
			const folder = mkdtempSync(join(tmpdir(), 'swagger-ui-e2e-'));
			await page.screenshot({ path: join(folder, 'failure.png'), fullPage: true, timeout: 10000 });
			writeFileSync(join(folder, 'page.html'), await page.content());
			if (consoleErrors.length > 0) writeFileSync(join(folder, 'console-errors.txt'), consoleErrors.join('\n') + '\n');
			evidence = ` (screenshot: ${join(folder, 'failure.png')})`;
		} catch (screenshotError) {
			evidence = ` (no screenshot: ${oneLine(screenshotError.message)})`;
		}
	} else if (page) {
		evidence = ' (no page loaded, so no screenshot)';
	}
	log(`FAILED: ${reason}${evidence}`);
} finally {
	if (browser) await browser.close().catch(() => {});
}
process.exit(exitCode);
