// SPDX-License-Identifier: AGPL-3.0-or-later
// Helpers for the browser tests (node:test + playwright-core): an
// organisation in a temporary data folder served by the real binary on a
// free loopback port, members made through the JSON API as members would
// make them, and Debian's headless Chromium with one browser context per
// member.
//
// Environment:
//   ACCORD_BIN           the accord binary (default build/debug/accord
//                        of this repository)
//   ACCORD_TEST_VERBOSE  show the server's output
//   ACCORD_TEST_KEEP     keep the temporary folders (screenshots) and
//                        print where they are
//
// Typical use, one organisation for the tests of a file:
//
//   let org;
//   before(async () => { org = await setupOrg({ members: true, signedIn: true }); });
//   after(async () => { await org?.close(); });
//   test('...', { timeout: 30_000 }, async () => {
//     const { alice } = org.pages;
//     const id = await propose(org, 'bob', 'all', 'agreement.adopt', 'Quiet', { text: 'Shh.' });
//     await givePosition(alice, id, 'consent');
//     await assertAccessible(alice, 'a proposal after a position');
//   });
//
// The helpers at the end of this file (signIn, propose, consentAll,
// givePosition, assertAccessible, unexpected, ...) are the steps the test
// files share.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants as fsc, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
);

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const ORG_NAME = 'Test Co-op';
export const PASSWORDS = Object.freeze({
  alice: 'alice-password',
  bob: 'bob-password',
  carol: 'carol-password',
});

// Bounds of every wait, so that a hung server or browser fails the test
// instead of hanging the run.
export const TIMEOUTS = Object.freeze({
  request: 10_000, // one HTTP request to the server
  start: 10_000, // the server answering /api/v1/health
  stop: 5_000, // SIGTERM to exit, before SIGKILL
  command: 30_000, // one accord CLI command
  launch: 30_000, // chromium up
  action: 10_000, // one Playwright action or wait
  navigation: 15_000, // one page load
});

const verbose = Boolean(process.env.ACCORD_TEST_VERBOSE);
const keep = Boolean(process.env.ACCORD_TEST_KEEP);

// ACCORD_BIN is taken from the current folder, the default from the
// repository's root.
export function accordBin() {
  return process.env.ACCORD_BIN
    ? path.resolve(process.env.ACCORD_BIN)
    : path.join(ROOT, 'build', 'debug', 'accord');
}

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, fsc.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

// Servers still running, killed when this process exits however it
// exits (setpriv's parent-death signal covers a SIGKILL of this process),
// and temporary folders not yet removed.
const live = new Set();
const roots = new Set();
process.on('exit', () => {
  for (const proc of live) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  if (!keep) {
    for (const dir of roots) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  }
});
const setpriv = onPath('setpriv');

export async function makeTempDir(prefix = 'accord-browser-') {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  roots.add(dir);
  return dir;
}

export async function removeDir(dir) {
  if (dir) await rm(dir, { recursive: true, force: true });
  roots.delete(dir);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// promise, or undefined after ms if it has not settled by then
async function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// Runs `accord ARGS...`; resolves { code, stdout, stderr }.
export function runAccord(args, { env = {}, timeout = TIMEOUTS.command } = {}) {
  return new Promise((resolve) => {
    execFile(
      accordBin(),
      args,
      { env: { ...process.env, ...env }, timeout, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) code = typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr, error: err });
      },
    );
  });
}

// `accord init` of an organisation in dataDir; the founder's password
// goes through ACCORD_PASSWORD.
export async function initOrg(
  dataDir,
  {
    org = ORG_NAME,
    founder = 'alice',
    name = 'Alice',
    password = PASSWORDS.alice,
  } = {},
) {
  const r = await runAccord(
    ['init', '--data', dataDir, '--org', org, '--founder', founder, '--name', name],
    { env: { ACCORD_PASSWORD: password } },
  );
  if (r.code !== 0) {
    throw new Error(
      `accord init failed (${r.code}): ${r.stderr || r.error?.message || ''}`,
    );
  }
}

async function healthy(base) {
  try {
    const res = await fetch(`${base}/api/v1/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

// Starts `accord serve --data dataDir` on a free loopback port and waits
// for /api/v1/health. Resolves { port, base, pid, stop(), output() };
// stop() sends SIGTERM (SIGKILL after TIMEOUTS.stop) and resolves the
// exit { code, signal }.
export async function startServer(dataDir) {
  let lastOutput = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`];
    const [cmd, argv] = setpriv
      ? [setpriv, ['--pdeathsig', 'KILL', '--', accordBin(), ...args]]
      : [accordBin(), args];
    const proc = spawn(cmd, argv, {
      stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'pipe'],
    });
    let output = '';
    proc.stderr.on('data', (chunk) => {
      output = (output + chunk.toString()).slice(-8192);
      if (verbose) process.stderr.write(chunk);
    });
    proc.stderr.unref?.();
    proc.unref();
    live.add(proc);
    const exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        live.delete(proc);
        resolve({ code, signal });
      });
      proc.on('error', (err) => {
        live.delete(proc);
        output += String(err);
        resolve({ code: -1, signal: null });
      });
    });
    let gone = false;
    exited.then(() => {
      gone = true;
    });

    const deadline = Date.now() + TIMEOUTS.start;
    while (!gone && Date.now() < deadline) {
      if (await healthy(base)) {
        let stopping = null;
        return {
          port,
          base,
          pid: proc.pid,
          output: () => output,
          stop() {
            if (!stopping) {
              stopping = (async () => {
                if (!gone) proc.kill('SIGTERM');
                const timer = setTimeout(() => {
                  if (!gone) proc.kill('SIGKILL');
                }, TIMEOUTS.stop);
                const exit = await exited;
                clearTimeout(timer);
                return exit;
              })();
            }
            return stopping;
          },
        };
      }
      await sleep(50);
    }
    if (!gone) proc.kill('SIGKILL');
    await exited;
    lastOutput = output;
    // exited early: perhaps the port was taken meanwhile, try another
  }
  throw new Error(`the server did not start: ${lastOutput}`);
}

// One JSON request. With `want`, a different status throws an error that
// shows the body. Resolves { status, headers, text, json }.
export async function api(
  server,
  method,
  urlPath,
  { token, body, want, headers = {} } = {},
) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(server.base + urlPath, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUTS.request),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (want !== undefined && res.status !== want) {
    throw new Error(`${method} ${urlPath}: HTTP ${res.status}, want ${want}: ${text}`);
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Logs in; resolves the bearer token.
export async function login(server, member, password) {
  const r = await api(server, 'POST', '/api/v1/session', {
    body: { member, password },
    want: 201,
  });
  return r.json.token;
}

async function openProposal(server, token, circle, kind, title, data) {
  const r = await api(server, 'POST', '/api/v1/proposals', {
    token,
    body: { circle, kind, title, data },
    want: 201,
  });
  return r.json.id;
}

async function consent(server, token, id) {
  const r = await api(server, 'POST', `/api/v1/proposals/${id}/positions`, {
    token,
    body: { position: 'consent' },
    want: 200,
  });
  return r.json.status;
}

async function takeInvite(server, author, proposal, member, password) {
  const inv = await api(server, 'GET', `/api/v1/proposals/${proposal}/invite`, {
    token: author,
    want: 200,
  });
  if (inv.json?.member !== member) {
    throw new Error(`invite of ${proposal} is for ${inv.json?.member}, want ${member}`);
  }
  const acc = await api(server, 'POST', '/api/v1/invites/accept', {
    body: { invite: inv.json.invite, password },
    want: 200,
  });
  if (acc.json?.member !== member) {
    throw new Error(`accepted invite is for ${acc.json?.member}, want ${member}`);
  }
  return login(server, member, password);
}

function expectStatus(what, got, want) {
  if (got !== want) throw new Error(`${what}: proposal is ${got}, want ${want}`);
}

// With alice (the founder, password PASSWORDS.alice) in the organisation:
// alice admits bob (her consent alone adopts it) and bob takes the
// invite; then alice and bob admit carol and carol takes the invite.
// Resolves { alice, bob, carol }, each { id, name, password, token }.
export async function makeMembers(server, { aliceToken } = {}) {
  const alice = aliceToken || (await login(server, 'alice', PASSWORDS.alice));

  let p = await openProposal(server, alice, 'all', 'member.admit', 'Admit Bob', {
    id: 'bob',
    name: 'Bob',
  });
  expectStatus('admit bob after alice', await consent(server, alice, p), 'adopted');
  const bob = await takeInvite(server, alice, p, 'bob', PASSWORDS.bob);

  p = await openProposal(server, alice, 'all', 'member.admit', 'Admit Carol', {
    id: 'carol',
    name: 'Carol',
  });
  expectStatus('admit carol after alice', await consent(server, alice, p), 'open');
  expectStatus('admit carol after bob', await consent(server, bob, p), 'adopted');
  const carol = await takeInvite(server, alice, p, 'carol', PASSWORDS.carol);

  return {
    alice: { id: 'alice', name: 'Alice', password: PASSWORDS.alice, token: alice },
    bob: { id: 'bob', name: 'Bob', password: PASSWORDS.bob, token: bob },
    carol: { id: 'carol', name: 'Carol', password: PASSWORDS.carol, token: carol },
  };
}

// Debian's Chromium, headless.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: TIMEOUTS.launch,
  });
}

// Everything a browser test needs, torn down by close():
//   root, data      the temporary folder and the data folder in it
//   server, base    the running server and its http://127.0.0.1:PORT
//   members         with { members: true }: alice, bob, carol
//                   ({ id, name, password, token }); else alice only
//   browser         Chromium (with { browser: false }: none)
//   context(name)   that member's own browser context (made once), with
//                   base as baseURL, so page.goto('/') works
//   page(name)      a new page in that context
//   pages           with { signedIn: true }: a page of each member's,
//                   signed in through the /login form
//   errors          uncaught page errors and console errors seen so far,
//                   as { who, kind, text, url? }
//   screenshot(page, name)  a PNG in root/shots; resolves its path
//   close()         closes the browser, stops the server (resolving its
//                   exit), removes the folder unless ACCORD_TEST_KEEP
export async function setupOrg({ members = false, browser = true, signedIn = false } = {}) {
  const root = await makeTempDir();
  const org = {
    root,
    data: path.join(root, 'org'),
    server: null,
    base: null,
    members: {},
    browser: null,
    errors: [],
    contexts: new Map(),
    pages: {},
  };
  let closing = null;

  org.close = () => {
    if (!closing) {
      closing = (async () => {
        let exit = null;
        if (org.browser) {
          await within(org.browser.close(), TIMEOUTS.stop);
        }
        if (org.server) exit = await org.server.stop();
        if (keep) {
          process.stderr.write(`kept ${root}\n`);
        } else {
          await removeDir(root);
        }
        return exit;
      })();
    }
    return closing;
  };

  org.context = async (who) => {
    if (!org.browser) throw new Error('setupOrg was called without a browser');
    let ctx = org.contexts.get(who);
    if (!ctx) {
      ctx = await org.browser.newContext({ baseURL: org.base });
      ctx.setDefaultTimeout(TIMEOUTS.action);
      ctx.setDefaultNavigationTimeout(TIMEOUTS.navigation);
      org.contexts.set(who, ctx);
    }
    return ctx;
  };

  org.page = async (who) => {
    const page = await (await org.context(who)).newPage();
    page.on('pageerror', (err) => {
      org.errors.push({ who, kind: 'pageerror', text: String(err) });
    });
    page.on('console', (msg) => {
      const url = msg.location()?.url || '';
      // the browser asks for /favicon.ico by itself: not the page's doing
      if (msg.type() === 'error' && !url.endsWith('/favicon.ico')) {
        org.errors.push({ who, kind: 'console', text: msg.text(), url });
      }
    });
    return page;
  };

  org.screenshot = async (page, name) => {
    const dir = path.join(root, 'shots');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  try {
    await initOrg(org.data);
    org.server = await startServer(org.data);
    org.base = org.server.base;
    if (members) {
      org.members = await makeMembers(org.server);
    } else {
      org.members = {
        alice: {
          id: 'alice',
          name: 'Alice',
          password: PASSWORDS.alice,
          token: await login(org.server, 'alice', PASSWORDS.alice),
        },
      };
    }
    if (browser) org.browser = await launchBrowser();
    for (const who of signedIn ? Object.keys(org.members) : []) {
      org.pages[who] = await org.page(who);
      await signIn(org.pages[who], who, org.members[who].password);
    }
  } catch (err) {
    await org.close();
    throw err;
  }
  return org;
}


// ---- helpers shared by the test files ----
//
// Those that talk to the server take the organisation of setupOrg first
// and act as alice unless told otherwise; those that drive the browser
// take the page.

export const MEMBERS = Object.freeze(['alice', 'bob', 'carol']);

// Signs who in through the /login form; the password defaults to the
// one setupOrg gave that member.
export async function signIn(page, who, password = PASSWORDS[who]) {
  await page.goto('/login');
  await page.getByLabel('Member id').fill(who);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

// The last part of the page's path: the id of the proposal (or other
// thing) it shows.
export function idOf(page) {
  return new URL(page.url()).pathname.split('/').pop();
}

// GET urlPath as who, wanting 200; resolves the JSON.
export async function apiGet(org, urlPath, who = 'alice') {
  const r = await api(org.server, 'GET', urlPath, {
    token: org.members[who].token,
    want: 200,
  });
  return r.json;
}

export async function getProposal(org, id) {
  return apiGet(org, `/api/v1/proposals/${id}`);
}

export async function getCharter(org) {
  return (await apiGet(org, '/api/v1/org')).charter;
}

// The log's head: { seq, hash }.
export async function head(org) {
  return (await apiGet(org, '/api/v1/events?limit=1')).head;
}

// Every event of the log, oldest first, paged through /api/v1/events.
export async function allEvents(org, who = 'alice') {
  const top = await head(org);
  const all = [];
  for (let after = 0; after < top.seq; ) {
    const { events } = await apiGet(org, `/api/v1/events?after=${after}&limit=100`, who);
    if (events.length === 0) break;
    all.push(...events);
    after = events.at(-1).seq;
  }
  return all;
}

// A proposal made through the API by who; resolves its id.
export async function propose(org, who, circle, kind, title, data) {
  return openProposal(org.server, org.members[who].token, circle, kind, title, data);
}

// Consent of each of whom through the API; resolves the last status.
export async function consentAll(org, id, whom = MEMBERS) {
  let status;
  for (const who of whom) status = await consent(org.server, org.members[who].token, id);
  return status;
}

// A circle made through the API, proposed by alice in "all" and adopted
// by everyone's consent: data is circle.create's { id, name, purpose,
// members }. Resolves the proposal's id.
export async function createCircle(org, data) {
  const id = await propose(org, 'alice', 'all', 'circle.create', `Create ${data.name}`, data);
  assert.equal(await consentAll(org, id), 'adopted', `circle ${data.id}`);
  return id;
}

// A vacant role made through the API, as createCircle: data is
// role.create's { id, name, purpose, accountabilities, term_days }.
export async function createRole(org, data) {
  const id = await propose(org, 'alice', 'all', 'role.create', `Create ${data.name}`, data);
  assert.equal(await consentAll(org, id), 'adopted', `role ${data.id}`);
  return id;
}

// Withdrawn through the API by who, the proposal's author.
export async function withdraw(org, id, who = 'alice') {
  await api(org.server, 'POST', `/api/v1/proposals/${id}/withdraw`, {
    token: org.members[who].token,
    want: 200,
  });
}

// A position given in the proposal page's form, with its reason and
// criterion when given.
export async function givePosition(page, id, position, { reason, criterion } = {}) {
  await page.goto(`/proposals/${id}`);
  await page.locator(`#pos-${position}`).check();
  if (reason !== undefined) await page.getByLabel('Reason').fill(reason);
  if (criterion !== undefined) await page.getByLabel('Criterion').selectOption(criterion);
  await page.getByRole('button', { name: 'Save position' }).click();
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
}

// A charter.amend proposal made in the new proposal form; resolves its
// id. circle: the "For circle" select's value ('' for every circle).
export async function proposeCharter(page, title, param, value, circle) {
  await page.goto('/proposals/new?kind=charter.amend');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Charter parameter').selectOption(param);
  await page.getByLabel('New value').fill(value);
  if (circle !== undefined) await page.getByLabel('For circle').selectOption(circle);
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

// A property of the element that has the focus: 'name', 'value',
// 'textContent', ...
export async function focused(page, prop) {
  return page.evaluate((p) => document.activeElement[p], prop);
}

// Presses Tab; resolves prop of the element that has the focus then.
export async function tab(page, prop) {
  await page.keyboard.press('Tab');
  return focused(page, prop);
}

// The focus moved by keyboard alone from the top of the page: Tab
// reaches the skip link first, then (within 60 presses) the control
// named name.
export async function tabTo(page, name) {
  await page.keyboard.press('Tab');
  assert.equal(await focused(page, 'textContent'), 'Skip to content');
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page, 'name')) === name) return;
  }
  assert.fail(`tab never reached ${name}`);
}

// Keyboard alone: Tab to the submit button named button, press Enter,
// and wait for the proposal page of id to come back with its positions.
export async function enterOn(page, button, id) {
  assert.equal(await tab(page, 'textContent'), button);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
  await page.locator('#positions').waitFor();
}

// The session cookie's value of page's member.
export async function sessionOf(page) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'accord_session');
  assert.ok(cookie, 'no session cookie');
  return cookie.value;
}

// The csrf value of the first form on page.
export async function csrfOf(page) {
  return page.locator('input[name="csrf"]').first().inputValue();
}

// A form posted outside the browser in the name of page's member (with
// their session cookie), as a forged page would post it: body is
// urlencoded. Resolves the fetch Response; redirects are not followed.
export async function postForm(org, page, urlPath, body) {
  return fetch(org.base + urlPath, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: `accord_session=${await sessionOf(page)}`,
    },
    body,
    signal: AbortSignal.timeout(TIMEOUTS.request),
  });
}

// The text of an election's or a draw's "... phase: ..." line.
export async function phaseLine(page) {
  return page.locator('#phase').innerText();
}

// The rows of the proposal page's positions table as [member, position,
// reason cell].
export async function positionRows(page) {
  return page
    .locator('#positions tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].slice(0, 3).map((td) => td.textContent.trim())),
    );
}

// "2026-11-28T06:00:00.000Z" as the pages show it.
export function shownTime(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// The options of select (a locator) as [value, text].
export async function optionsOf(select) {
  return select.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
}

// A proposal of a kind with only a role to choose (role.elect,
// role.draw, role.retire) made in the new proposal form; resolves its id.
export async function proposeForRole(page, kind, title, role) {
  await page.goto(`/proposals/new?kind=${kind}`);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

// Clicks button (a locator, or the name of a button on page) and
// resolves the HTTP status of the POST it sends.
export async function postStatus(page, button) {
  const target = typeof button === 'string' ? page.getByRole('button', { name: button }) : button;
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    target.click(),
  ]);
  return res.status();
}

// The page as it is now has one h1, every control a label (or a button
// its text), no id twice, and a language.
export async function assertAccessible(page, what) {
  assert.equal(await page.locator('h1').count(), 1, `h1 on ${what}`);
  const unlabelled = await page
    .locator('input:not([type="hidden"]), select, textarea, button')
    .evaluateAll((els) =>
      els
        .filter((el) => {
          if (el.tagName === 'BUTTON') return !el.textContent.trim();
          return (
            !(el.labels && el.labels.length > 0 && el.labels[0].textContent.trim()) &&
            !el.getAttribute('aria-label') &&
            !el.getAttribute('aria-labelledby')
          );
        })
        .map((el) => el.outerHTML),
    );
  assert.deepEqual(unlabelled, [], `unlabelled controls on ${what}`);
  const ids = await page.locator('[id]').evaluateAll((els) => els.map((e) => e.id));
  const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(twice, [], `duplicate ids on ${what}`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', `lang on ${what}`);
}

// The refused form came back with the message next to field name: in
// the same .field box as its control, and in the page's alert.
export async function assertFieldError(page, name, pattern) {
  const err = page.locator(`#${name}-error`);
  assert.equal(await err.count(), 1, `no message next to ${name}`);
  assert.match(await err.innerText(), pattern);
  const box = page.locator('.field', { has: err });
  assert.equal(await box.count(), 1);
  assert.ok(
    (await box.locator(`[name="${name}"]`).count()) > 0,
    `the message for ${name} is not next to its control`,
  );
  assert.match(await page.getByRole('alert').first().innerText(), pattern);
}

// The page and console errors of org.errors, less the refusals a test
// provokes on purpose: a refused form answers 4xx, which the browser
// reports on its console. Only the statuses in refused (e.g. [400, 404])
// are let through; everything else is unexpected.
export function unexpected(errors, refused = []) {
  return errors.filter((e) => {
    const m = e.kind === 'console' && /responded with a status of (\d{3})\b/.exec(e.text);
    return !(m && refused.includes(Number(m[1])));
  });
}
