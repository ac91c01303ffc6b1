// player-test.js: the endpoint's player page in a real headless Chromium.
//
// Usage: node player-test.js BASE-URL STREAM-ID [TOKEN]
//   BASE-URL   the endpoint, e.g. http://127.0.0.1:8890/
//   STREAM-ID  a stream it serves (also the first one GET /streams lists)
//   TOKEN      the Bearer token the endpoint wants: the page gets it as
//              ?token=, and one more check plays without it (401 shown)
//
// Run by run-player-test.sh inside a network namespace that has only
// loopback. Drives Debian's chromium (CHROMIUM, default /usr/bin/chromium)
// through the DevTools protocol with playwright-core, never a downloaded
// browser. Prints TAP; exits non-zero when a check fails.
//
// Environment: CHROMIUM, PLAYER_TEST_DEADLINE_S (how long each wait for
// frames may take, default 20), PLAYER_TEST_SCREENSHOT (a PNG path: the
// page once it played, or as it was when a check failed).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

'use strict';

const { execFileSync } = require('child_process');
const path = require('path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DEADLINE_MS = 1000 * Number(process.env.PLAYER_TEST_DEADLINE_S || 20);
const POLL_MS = 250;
const SCREENSHOT = process.env.PLAYER_TEST_SCREENSHOT || '';

// Inside a namespace with only loopback Chromium needs both: loopback
// candidates allowed, and its host candidates not hidden behind mDNS names
// (no mDNS resolver there). See TOOLCHAIN.md, "A real browser".
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

let testNumber = 0;
let failures = 0;
let planned = 0;

function ok(passed, description, diagnostics = []) {
  testNumber++;
  if (!passed)
    failures++;
  console.log(`${passed ? 'ok' : 'not ok'} ${testNumber} - ${description}`);
  for (const line of diagnostics)
    for (const part of String(line).split('\n'))
      console.log(`# ${part}`);
  return passed;
}

function comment(text) {
  for (const part of String(text).split('\n'))
    console.log(`# ${part}`);
}

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch (e) {
    return `(${CHROMIUM} --version failed: ${e.message})`;
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// What the page says about itself, or null before player.js ran.
function playerSnapshot(page) {
  return page.evaluate(async () => {
    const player = window.streamlibPlayer;
    if (!player)
      return null;
    const video = document.getElementById('video');
    return {
      state: player.state,
      error: player.error,
      stream: player.stream,
      framesDecoded: await player.framesDecoded(),
      shownFrames: document.getElementById('frames').textContent,
      shownError: document.getElementById('error').textContent,
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
    };
  });
}

// Polls the page until predicate(snapshot) holds, the player failed, or
// the deadline passed; returns the last snapshot and the time it took.
async function waitForPlayer(page, predicate) {
  const started = Date.now();
  let snapshot = null;
  for (;;) {
    snapshot = await playerSnapshot(page);
    if (snapshot && (predicate(snapshot) || snapshot.state === 'failed'))
      break;
    if (Date.now() - started > DEADLINE_MS)
      break;
    await delay(POLL_MS);
  }
  return { snapshot, elapsed: Date.now() - started };
}

// BASE-URL with the query parameters that are not undefined.
function pageUrl(baseUrl, query) {
  const url = new URL(baseUrl);
  for (const [key, value] of Object.entries(query))
    if (value !== undefined)
      url.searchParams.set(key, value);
  return url.href;
}

function describe(snapshot) {
  if (!snapshot)
    return ['window.streamlibPlayer is not defined (player.js did not run)'];
  return [
    `state: ${snapshot.state}, stream: ${snapshot.stream}, frames decoded: ${snapshot.framesDecoded}`,
    `error: ${snapshot.error}`,
  ];
}

async function main() {
  const [baseUrl, streamId, token] = process.argv.slice(2);
  if (!baseUrl || !streamId) {
    console.log('Bail out! usage: node player-test.js BASE-URL STREAM-ID [TOKEN]');
    return 1;
  }
  planned = token ? 8 : 7;

  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    console.log(`Bail out! playwright-core is not installed in ${__dirname}/node_modules: ` +
                'run scripts/deps (it runs npm ci there)');
    return 1;
  }

  console.log(`1..${planned}`);
  const consoleLines = [];
  let browser;
  let page;
  try {
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
    } catch (e) {
      ok(false, `launch ${CHROMIUM}`, [e.message, chromiumVersion(),
                                         'install it with scripts/deps (Debian package chromium)']);
      return 1;
    }
    ok(true, `launch ${CHROMIUM} (${browser.version()})`);

    page = await browser.newPage();
    page.on('console', (message) => consoleLines.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`page error: ${error.message}`));

    // 2. The page loads and player.js runs.
    const playUrl = pageUrl(baseUrl, { stream: streamId, token });
    const response = await page.goto(playUrl, { timeout: 15000 });
    const title = await page.title();
    const loaded = await playerSnapshot(page);
    ok(response && response.status() === 200 && loaded !== null,
       `GET ${playUrl} serves the player page`,
       [`HTTP ${response ? response.status() : '(no response)'}, title "${title}"`, ...describe(loaded)]);

    // 3. It plays: video frames decoded (RTCPeerConnection getStats).
    const played = await waitForPlayer(page, (s) => s.framesDecoded > 0);
    const frames = played.snapshot ? played.snapshot.framesDecoded : 0;
    ok(frames > 0, `stream "${streamId}" plays: ${frames} video frames decoded`,
       [`after ${played.elapsed} ms`, ...describe(played.snapshot)]);

    // 4. What the user sees: a picture in the video element, the count on
    //    the page, no error shown. The picture size arrives with the first
    //    rendered frame, so this waits too.
    const shown = await waitForPlayer(page, (s) => s.videoWidth > 0 && s.state === 'playing' &&
                                                   Number(s.shownFrames.replace(/\D/g, '')) > 0);
    const s = shown.snapshot || {};
    ok(s.videoWidth > 0 && s.videoHeight > 0 && s.state === 'playing' && s.shownError === '',
       `the page shows the picture (${s.videoWidth}×${s.videoHeight}), "${s.shownFrames}" frames decoded, no error`,
       describe(shown.snapshot));
    if (SCREENSHOT)
      await page.screenshot({ path: SCREENSHOT }).catch(() => {});

    // 5. Stopping ends the session on the endpoint: DELETE of the Location.
    const deleteStatus = await page.evaluate(() => window.streamlibPlayer.stop());
    const stopped = await playerSnapshot(page);
    ok(deleteStatus >= 200 && deleteStatus < 300 && stopped.state === 'closed',
       `stop() ends the session: DELETE of its Location answers ${deleteStatus}`,
       describe(stopped));

    // 6. Without ?stream the page picks the first stream GET /streams lists.
    await page.goto(pageUrl(baseUrl, { token }), { timeout: 15000 });
    const chosen = await waitForPlayer(page, (x) => x.framesDecoded > 0);
    const c = chosen.snapshot || {};
    ok(c.stream === streamId && c.framesDecoded > 0,
       `GET / plays the first listed stream ("${c.stream}", ${c.framesDecoded} frames decoded)`,
       describe(chosen.snapshot));

    // 7. A stream the endpoint does not serve: the page shows the HTTP error.
    const missing = `no-such-stream-${process.pid}`;
    await page.goto(pageUrl(baseUrl, { stream: missing, token }), { timeout: 15000 });
    const refused = await waitForPlayer(page, () => false);
    const r = refused.snapshot || {};
    ok(r.state === 'failed' && /HTTP 4\d\d/.test(r.shownError || '') &&
       (r.shownError || '').includes(`/whep/${missing}`),
       `an unknown stream fails with its HTTP error on the page`,
       [`shown: ${JSON.stringify(r.shownError)}`, ...describe(refused.snapshot)]);

    // 8. With a token on the endpoint, a page without it shows the 401.
    if (token) {
      await page.goto(pageUrl(baseUrl, { stream: streamId }), { timeout: 15000 });
      const unauthorized = await waitForPlayer(page, () => false);
      const u = unauthorized.snapshot || {};
      ok(u.state === 'failed' && /HTTP 401/.test(u.shownError || '') && u.framesDecoded === 0,
         'without ?token= the page shows the endpoint\'s HTTP 401',
         [`shown: ${JSON.stringify(u.shownError)}`, ...describe(unauthorized.snapshot)]);
    }
  } catch (e) {
    ok(false, 'driving the page', [e.stack || e.message]);
  } finally {
    if (failures > 0 || testNumber < planned) {
      comment(`chromium: ${chromiumVersion()}`);
      comment('(if nothing connects, check the WebRTC flags above against this version: see TOOLCHAIN.md)');
      for (const line of consoleLines)
        comment(line);
      if (page && SCREENSHOT)
        await page.screenshot({ path: SCREENSHOT }).catch(() => {});
      if (SCREENSHOT)
        comment(`screenshot: ${path.resolve(SCREENSHOT)}`);
    }
    if (browser)
      await browser.close().catch(() => {});
  }
  return failures > 0 || testNumber < planned ? 1 : 0;
}

main().then((status) => process.exit(status), (e) => {
  console.log(`Bail out! ${e.stack || e.message}`);
  process.exit(1);
});
