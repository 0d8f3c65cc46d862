// browser.js BASEURL: what a real browser (headless Chromium driven by
// playwright-core) gets from Portcullis behind lighttpd.  Run by
// tests/browser.sh, which sets up the server and passes, in the
// environment:
//   CHROMIUM         the browser binary (Debian's chromium)
//   BROWSER_PROFILE  a fresh, empty --user-data-dir
//   BROWSER_SHOT     where to save the screenshot of an allowed page
// Prints TAP-like lines numbered from BROWSER_FIRST (default 1) and
// exits non-zero if any check failed.
'use strict';

const { chromium } = require('playwright-core');

const BASE = process.argv[2];
const CHALLENGE = 'Basic realm="Portcullis demo", charset="UTF-8"';
const GUIDE = 'The guide: only viewers and editors read this.';
const TIMEOUT = 15000;	// ms, per navigation or request

let n = Number(process.env.BROWSER_FIRST || 1) - 1;
let failed = 0;
let passed = 0;

function ok(what) {
	passed++;
	console.log(`ok ${++n} - ${what}`);
}

function fail(what) {
	failed++;
	console.log(`not ok ${++n} - ${what}`);
}

function eq(what, got, want) {
	if (got === want)
		ok(what);
	else
		fail(`${what}: got [${got}], want [${want}]`);
}

// goto URL in a fresh page of ctx: the response, or the error thrown.
async function visit(ctx, path) {
	const page = await ctx.newPage();
	try {
		const resp = await page.goto(BASE + path,
		    { timeout: TIMEOUT, waitUntil: 'load' });
		return { page, resp };
	} catch (e) {
		return { page, error: e };
	}
}

async function bodyText(page) {
	return (await page.textContent('body', { timeout: TIMEOUT }) || '')
	    .trim();
}

async function main() {
	if (!BASE || !process.env.CHROMIUM || !process.env.BROWSER_PROFILE) {
		console.error('usage: CHROMIUM=… BROWSER_PROFILE=… ' +
		    'node browser.js BASEURL');
		process.exit(2);
	}
	const t0 = Date.now();
	// Playwright refuses --user-data-dir in args: the profile is the
	// persistent context's.  It carries no credentials.
	const anon = await chromium.launchPersistentContext(
	    process.env.BROWSER_PROFILE, {
		executablePath: process.env.CHROMIUM,
		headless: true,
		timeout: 30000,
		args: ['--no-sandbox', '--disable-gpu',
		    '--disable-background-networking',
		    '--disable-component-update', '--disable-sync',
		    '--no-first-run'],
	});
	const browser = anon.browser();
	console.log(`# chromium ${browser ? browser.version() : '?'} ` +
	    `started in ${Date.now() - t0} ms`);
	try {
		await checks(anon, browser);
	} finally {
		await anon.close();
	}
	console.log(`# browser checks took ${Date.now() - t0} ms`);
}

async function checks(anon, browser) {
	// No credentials: the challenge, through the request API (the
	// browser's own navigation cancels the dialog, see below).
	const r = await anon.request.get(BASE + '/docs/guide.txt',
	    { timeout: TIMEOUT, maxRedirects: 0 });
	eq('no credentials: status', r.status(), 401);
	eq('no credentials: WWW-Authenticate',
	    r.headers()['www-authenticate'], CHALLENGE);
	const rb = await r.text();
	if (rb.includes(GUIDE))
		fail('no credentials: the guide leaked in the 401 body');
	else
		ok('no credentials: no protected content in the 401 body');

	// A navigation without credentials: Playwright answers the Basic
	// dialog with "cancel", and goto rejects.
	let v = await visit(anon, '/docs/guide.txt');
	if (v.error && /ERR_INVALID_AUTH_CREDENTIALS/.test(v.error.message))
		ok('no credentials: page.goto rejects ' +
		    '(net::ERR_INVALID_AUTH_CREDENTIALS)');
	else if (v.error)
		fail(`no credentials: page.goto: ${v.error.message}`);
	else
		fail(`no credentials: page.goto resolved with ` +
		    `${v.resp && v.resp.status()}`);
	await v.page.close();

	// alice/wonderland, an editor: the docs index (for editors
	// only), then the guide.
	const alice = await browser.newContext({
	    httpCredentials: { username: 'alice', password: 'wonderland' } });
	v = await visit(alice, '/docs/');
	if (v.error) {
		fail(`alice: page.goto /docs/: ${v.error.message}`);
	} else {
		eq('alice: /docs/ status', v.resp.status(), 200);
		eq('alice: /docs/ shows the docs index',
		    await v.page.textContent('h1', { timeout: TIMEOUT }),
		    'Docs');
		await v.page.screenshot({ path: process.env.BROWSER_SHOT,
		    timeout: TIMEOUT });
		ok('alice: screenshot of /docs/ saved');
		const resp = await v.page.goto(BASE + '/docs/guide.txt',
		    { timeout: TIMEOUT });
		eq('alice: then /docs/guide.txt status', resp.status(), 200);
		eq('alice: /docs/guide.txt shows the guide',
		    await bodyText(v.page), GUIDE);
	}
	await alice.close();

	// bob/builder, a viewer: the guide, but not the docs index,
	// which is for editors (/docs/index.html), under either name.
	const bob = await browser.newContext({
	    httpCredentials: { username: 'bob', password: 'builder' } });
	v = await visit(bob, '/docs/');
	if (v.error) {
		fail(`bob: page.goto /docs/: ${v.error.message}`);
	} else {
		eq('bob: /docs/ status', v.resp.status(), 403);
		const t = await bodyText(v.page);
		if (t.includes('Docs'))
			fail(`bob: /docs/ page shows [${t}]`);
		else
			ok('bob: /docs/ page shows no docs index');
		const resp = await v.page.goto(BASE + '/docs/guide.txt',
		    { timeout: TIMEOUT });
		eq('bob: then /docs/guide.txt status', resp.status(), 200);
		eq('bob: /docs/guide.txt shows the guide',
		    await bodyText(v.page), GUIDE);
	}

	// bob is no admin: 403, and the page shows no admin content.
	v = await visit(bob, '/admin/');
	if (v.error) {
		fail(`bob: page.goto /admin/: ${v.error.message}`);
	} else {
		eq('bob: /admin/ status', v.resp.status(), 403);
		const t = await bodyText(v.page);
		if (t.includes('Admin'))
			fail(`bob: /admin/ page shows [${t}]`);
		else
			ok('bob: /admin/ page shows no admin content');
	}
	await bob.close();

	// A wrong password: the browser gives up, goto resolves with 401.
	const bad = await browser.newContext({
	    httpCredentials: { username: 'bob', password: 'wrong' } });
	v = await visit(bad, '/docs/guide.txt');
	if (v.error) {
		fail(`wrong password: page.goto: ${v.error.message}`);
	} else {
		eq('wrong password: status', v.resp.status(), 401);
		const t = await bodyText(v.page);
		if (t.includes(GUIDE))
			fail('wrong password: the guide is shown');
		else
			ok('wrong password: the guide is not shown');
	}
	await bad.close();
}

main().then(() => {
	console.log(`# browser.js: ${passed} passed, ${failed} failed`);
	process.exit(failed === 0 && passed > 0 ? 0 : 1);
}, (e) => {
	fail(`browser.js: ${e && e.stack || e}`);
	process.exit(1);
});
