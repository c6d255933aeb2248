// SPDX-License-Identifier: AGPL-3.0-or-later
// The web UI end to end in Chromium with JavaScript off: three members
// sign in, decide a proposal made in the web form (an objection with a
// reason, an amendment, consent), change a charter parameter, read the
// log's head hash; forms without their csrf field are refused, and
// members' text never becomes markup. With ACCORD_SCREENSHOTS=1 the main
// pages are saved as PNG into docs/screenshots/.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  apiGet, givePosition, head, idOf, MEMBERS, postForm, proposeCharter, ROOT, sessionOf, setupOrg,
  signIn,
} from './harness.mjs';

const SHOTS = process.env.ACCORD_SCREENSHOTS === '1';
const VIEWPORT = { width: 1000, height: 700 };

let org;
const pages = {};

async function shot(page, name) {
  if (!SHOTS) return;
  const dir = path.join(ROOT, 'docs', 'screenshots');
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/* A member's page in a context without JavaScript. */
async function memberPage(who) {
  const ctx = await org.browser.newContext({
    baseURL: org.base,
    javaScriptEnabled: false,
    viewport: VIEWPORT,
  });
  ctx.setDefaultTimeout(10_000);
  return ctx.newPage();
}

before(async () => {
  org = await setupOrg({ members: true });
  for (const who of MEMBERS) {
    pages[who] = await memberPage(who);
  }
});

after(async () => {
  await org?.close();
});

test('pages need a session and carry the security headers', { timeout: 30_000 }, async () => {
  const res = await fetch(`${org.base}/proposals`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  const login = await fetch(`${org.base}/login`);
  const csp = login.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /script-src/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(login.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(login.headers.get('referrer-policy'), 'same-origin');
  assert.equal(login.headers.get('cache-control'), 'no-store');
  assert.match(login.headers.get('set-cookie'), /accord_csrf=.*HttpOnly; SameSite=Strict/);
  const css = await fetch(`${org.base}/static/style.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('cache-control'), /max-age=31536000/);
  /* the API is untouched */
  const api = await fetch(`${org.base}/api/v1/members`);
  assert.equal(api.status, 401);
});

test('a wrong password is refused on the page', { timeout: 30_000 }, async () => {
  const page = await memberPage('nobody');
  await page.goto('/login');
  await page.getByLabel('Member id').fill('alice');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await assert.doesNotReject(page.getByRole('alert').waitFor());
  assert.match(await page.getByRole('alert').innerText(), /wrong member or password/);
  await page.context().close();
});

test('three members decide an agreement made in the web form', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = pages;
  await signIn(alice, 'alice');
  await signIn(bob, 'bob');
  await signIn(carol, 'carol');
  const cookies = await alice.context().cookies();
  const session = cookies.find((c) => c.name === 'accord_session');
  assert.ok(session, 'no session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');

  await alice.goto('/proposals/new');
  await alice.getByLabel('Kind of proposal').selectOption('agreement.adopt');
  await alice.getByRole('button', { name: 'Choose' }).click();
  await shot(alice, 'new-proposal');
  await alice.getByLabel('Title').fill('Quiet hours <b>x</b>');
  await alice
    .getByLabel('Agreement text')
    .fill('# Quiet hours\n\nNo noise after **22:00**.\n\n<script>alert(1)</script>\n\n<b>x</b>');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.waitForURL(/\/proposals\/p\d+$/);
  const id = idOf(alice);

  /* text stays text: no <b> or <script> element from the member */
  assert.equal(await alice.locator('main > h1').innerText(), 'Quiet hours <b>x</b>');
  assert.equal(await alice.locator('main > h1 b').count(), 0);
  assert.equal(await alice.locator('#text script').count(), 0);
  assert.equal(await alice.locator('#text b').count(), 0);
  assert.equal(await alice.locator('#text strong').innerText(), '22:00');
  const html = await alice.content();
  assert.doesNotMatch(html, /<script>alert/);

  /* bob sees it as needing him, then objects: a reason is required */
  await bob.goto('/');
  assert.match(await bob.locator('#needs-me').innerText(), /Quiet hours <b>x<\/b>/);
  await bob.goto(`/proposals/${id}`);
  await bob.locator('#pos-object').check();
  await bob.getByRole('button', { name: 'Save position' }).click();
  await bob.getByRole('alert').waitFor();
  assert.match(await bob.getByRole('alert').innerText(), /reason/);
  await givePosition(bob, id, 'object', { reason: 'Too early, make it 23:00' });
  assert.match(await bob.locator('#positions').innerText(), /Too early, make it 23:00/);

  await givePosition(carol, id, 'consent');
  await carol.goto(`/proposals/${id}`);
  assert.match(await carol.locator('#positions').innerText(), /carol\s+consent/);
  assert.equal(await carol.locator('figure.chart svg').count(), 1);
  assert.equal(await carol.locator('#amend').count(), 0, 'amend form for a non-author');

  /* alice amends; the new round starts empty */
  await alice.goto(`/proposals/${id}`);
  await alice.getByLabel('Agreement text').fill('# Quiet hours\n\nNo noise after **23:00**.');
  await alice.getByRole('button', { name: 'Amend proposal' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.match(await alice.locator('.meta').first().innerText(), /version 2/);
  const diff = await alice.locator('pre.diff').last().textContent();
  assert.match(diff, /^- No noise after \*\*22:00\*\*\.$/m);
  assert.match(diff, /^\+ No noise after \*\*23:00\*\*\.$/m);
  assert.match(diff, /^ {2}# Quiet hours$/m);
  assert.match(diff, /^- <script>alert\(1\)<\/script>$/m);
  await shot(alice, 'proposal');

  await givePosition(alice, id, 'consent');
  await givePosition(bob, id, 'consent');
  await givePosition(carol, id, 'consent');
  await alice.goto(`/proposals/${id}`);
  assert.equal(await alice.locator('#status').innerText(), 'adopted');

  await alice.goto('/agreements');
  assert.match(await alice.locator('#agreements-active').innerText(), /Quiet hours <b>x<\/b>/);
  await alice.goto('/');
  assert.match(await alice.locator('#recent').innerText(), /Quiet hours/);
  await shot(alice, 'home');
});

test('a charter.amend proposal changes the charter page', { timeout: 60_000 }, async () => {
  const { alice, bob, carol } = pages;
  await alice.goto('/proposals/new?kind=charter.amend');
  const options = await alice.locator('#f-param option').allInnerTexts();
  assert.ok(options.some((o) => /consent\.round_hours: integer \d+ to \d+/.test(o)), options.join('\n'));
  const id = await proposeCharter(alice, 'Longer rounds', 'consent.round_hours', '100');
  for (const p of [alice, bob, carol]) await givePosition(p, id, 'consent');
  await alice.goto('/charter');
  const row = alice.locator('#charter tr', { hasText: 'consent.round_hours' });
  assert.equal(await row.locator('.value').innerText(), '100');
  assert.match(await row.innerText(), new RegExp(id));
});

test('the log shows the verified chain and the head hash', { timeout: 30_000 }, async () => {
  const { alice } = pages;
  await alice.goto('/log');
  const top = await head(org);
  assert.equal(await alice.locator('#head-hash').innerText(), top.hash);
  assert.match(await alice.locator('#verified').innerText(), /verified/);
  assert.doesNotMatch(await alice.locator('#verified').innerText(), /NOT/);
  assert.match(await alice.locator('footer').innerText(), new RegExp(top.hash));
  await shot(alice, 'log');
});

test('a form posted without its csrf field is refused', { timeout: 30_000 }, async () => {
  const { bob } = pages;
  const post = (body) => postForm(org, bob, '/proposals', body);
  const before = await apiGet(org, '/api/v1/proposals?status=open', 'bob');
  const none = await post('kind=member.admit&circle=all&title=t&id=zed&name=Zed');
  assert.equal(none.status, 403);
  assert.match(await none.text(), /csrf/);
  const wrong = await post('csrf=00&kind=member.admit&circle=all&title=t&id=zed&name=Zed');
  assert.equal(wrong.status, 403);
  const after = await apiGet(org, '/api/v1/proposals?status=open', 'bob');
  assert.equal(after.length, before.length, 'a refused form made a proposal');
  /* the sign-in form without the double-submit cookie */
  const login = await fetch(`${org.base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'member=alice&password=alice-password',
  });
  assert.equal(login.status, 403);
});

test('signing out revokes the session', { timeout: 30_000 }, async () => {
  const { carol } = pages;
  const session = await sessionOf(carol);
  await carol.goto('/');
  await carol.getByRole('button', { name: 'Sign out' }).click();
  await carol.waitForURL((u) => u.pathname === '/login');
  const res = await fetch(`${org.base}/`, {
    redirect: 'manual',
    headers: { Cookie: `accord_session=${session}` },
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login');
  assert.deepEqual(org.errors, []);
});
