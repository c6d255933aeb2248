// SPDX-License-Identifier: AGPL-3.0-or-later
// Shared money in the web UI: income recorded and a budget allocated
// through the new-proposal forms (amounts typed in euros, kept in cents),
// a spend proposed in the circle that pays, an overspend refused with the
// message next to the amount, and the /ledger page with its balances,
// movements and CSV link. Every page state is checked for one h1,
// labelled controls and unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAccessible, assertFieldError, consentAll, createCircle, head, idOf, propose,
  setupOrg, unexpected,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
  await createCircle(org, {
    id: 'ops', name: 'Operations', purpose: 'Keep the lights on', members: ['alice', 'bob'],
  });
});

after(async () => {
  await org?.close();
});

/* Fills the new-proposal form of kind in circle and proposes; resolves
 * the new proposal's id. */
async function proposeInForm(page, kind, circle, title, fields) {
  await page.goto(`/proposals/new?kind=${kind}`);
  await page.getByLabel('Circle that decides').selectOption(circle);
  await page.getByLabel('Title').fill(title);
  for (const [label, value] of Object.entries(fields)) {
    const control = page.getByLabel(label, { exact: true });
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
    else await control.fill(value);
  }
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

/* The rows of a ledger table as arrays of cell texts. */
async function rows(page, table) {
  return page
    .locator(`#${table} tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

test('money moved by proposals shows on /ledger; an overspend is refused', { timeout: 120_000 }, async () => {
  const { alice, bob } = org.pages;

  /* nothing yet: every budget at zero */
  await bob.goto('/');
  await bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ledger' }).click();
  await bob.waitForURL((u) => u.pathname === '/ledger');
  assert.equal(await bob.locator('h1').innerText(), 'Ledger');
  assert.deepEqual(await rows(bob, 'balances'), [
    ['pool', 'the circle All members', '0.00\u00a0EUR'],
    ['ops', 'the circle Operations', '0.00\u00a0EUR'],
  ]);
  assert.match(await bob.locator('main').innerText(), /No money has moved yet/);
  await assertAccessible(bob, 'an empty ledger');

  /* income of 1,250.00 typed in euros */
  await bob.getByRole('link', { name: 'Record income' }).click();
  await bob.waitForURL((u) => u.pathname === '/proposals/new');
  assert.equal(await bob.getByLabel('Amount (EUR)').count(), 1);
  await assertAccessible(bob, 'the income form');
  const income = await proposeInForm(bob, 'income', 'all', 'Grant from the town', {
    'Amount (EUR)': '1250', From: 'Town culture fund',
  });
  assert.equal((await apiGet(org, `/api/v1/proposals/${income}`)).data.amount, 125000);
  /* the page members answer shows the amount in euros, not in cents alone */
  assert.match(await bob.locator('#text').innerText(), /1250\.00\u00a0EUR \(125000 minor units\)/);
  assert.equal(await consentAll(org, income), 'adopted');

  /* 300.50 allocated to ops */
  const allocation = await proposeInForm(alice, 'budget.allocate', 'all', 'Budget for ops', {
    'To the budget of': 'ops', 'Amount (EUR)': '300.50',
  });
  assert.equal(await consentAll(org, allocation), 'adopted');

  /* an amount that is not one is named in the currency's terms */
  await alice.goto('/proposals/new?kind=spend');
  await alice.getByLabel('Circle that decides').selectOption('ops');
  await alice.getByLabel('Title').fill('Typo');
  await alice.getByLabel('Amount (EUR)').fill('12.345');
  await alice.getByLabel('Paid to').fill('Lamp shop');
  await alice.getByLabel('What for').fill('Lamps');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await assertFieldError(alice, 'amount', /amount must be an amount in EUR such as 12\.50, with at most 2 decimals/);

  /* an overspend comes back with the message next to the amount */
  const before = (await head(org)).seq;
  await alice.goto('/proposals/new?kind=spend');
  await alice.getByLabel('Circle that decides').selectOption('ops');
  await alice.getByLabel('Title').fill('Too much');
  await alice.getByLabel('Amount (EUR)').fill('400');
  await alice.getByLabel('Paid to').fill('Lamp shop');
  await alice.getByLabel('What for').fill('Lamps');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await assertFieldError(alice, 'amount', /holds 300\.50 EUR, less than the 400\.00 EUR/);
  await assertAccessible(alice, 'a refused spend');
  assert.equal((await head(org)).seq, before, 'nothing appended');

  /* a spend in the circle that pays */
  const spend = await proposeInForm(alice, 'spend', 'ops', 'Lamps', {
    'Amount (EUR)': '45.5', 'Paid to': 'Lamp shop', 'What for': 'Lamps for the hall',
  });
  assert.equal(await consentAll(org, spend, ['alice', 'bob']), 'adopted');

  await bob.goto('/ledger');
  assert.deepEqual(await rows(bob, 'balances'), [
    ['pool', 'the circle All members', '949.50\u00a0EUR'],
    ['ops', 'the circle Operations', '255.00\u00a0EUR'],
  ]);
  const moves = await rows(bob, 'movements');
  assert.equal(moves.length, 3);
  assert.deepEqual(moves.map((m) => m.slice(1, 5)), [
    ['spend', 'ops', 'outside', '45.50\u00a0EUR'],
    ['allocation', 'pool', 'ops', '300.50\u00a0EUR'],
    ['income', 'outside', 'pool', '1250.00\u00a0EUR'],
  ]);
  assert.equal(moves[0][5], 'to Lamp shop: Lamps for the hall');
  assert.equal(moves[0][6], `${spend}, proposed by alice`);
  await assertAccessible(bob, 'the ledger');

  /* the CSV link gives the same movements */
  assert.equal(
    await bob.getByRole('link', { name: 'Download the movements as CSV' }).getAttribute('href'),
    '/ledger.csv',
  );
  const res = await bob.request.get(new URL('/ledger.csv', bob.url()).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  const csv = await res.text();
  const lines = csv.split('\r\n').filter(Boolean);
  assert.equal(lines.length, 4);
  assert.match(lines[3], /,spend,.*,ops,outside,4550,45\.50,EUR,,Lamp shop,Lamps for the hall$/);

  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('a budgeting round: buckets proposed and funded from equal shares', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  const round = await propose(org, 'alice', 'ops', 'budget.round', 'Spring round', { pot: 10000, days: 14 });
  assert.equal(await consentAll(org, round, ['alice', 'bob']), 'adopted');

  /* from the ledger to the round */
  await alice.goto('/ledger');
  await alice.getByRole('link', { name: 'Round r1' }).click();
  await alice.waitForURL((u) => u.pathname === '/rounds/r1');
  assert.equal(await alice.locator('h1').innerText(), 'Budgeting round r1');
  assert.equal(
    await alice.locator('#my-share').innerText(),
    'Your share: 50.00\u00a0EUR left of 50.00\u00a0EUR.',
  );
  await assertAccessible(alice, 'an empty round');

  /* a bucket proposed through the form */
  await alice.getByLabel('Title').fill('A workbench');
  await alice.getByLabel('What it is for').fill('Oak, two metres long');
  await alice.getByLabel('Target (EUR)').fill('60');
  await alice.getByRole('button', { name: 'Propose the bucket' }).click();
  await alice.waitForURL((u) => u.pathname === '/rounds/r1');
  const card = alice.locator('#b1');
  assert.match(await card.locator('h3').innerText(), /A workbench \(b1, by alice\)/);
  assert.match(await card.innerText(), /0\.00 of 60\.00\u00a0EUR/);

  /* pledges: alice's whole share, then bob's 10.00 funds it */
  await card.getByLabel('Your pledge (EUR)').fill('50');
  await card.getByRole('button', { name: 'Pledge' }).click();
  await alice.waitForURL((u) => u.pathname === '/rounds/r1');
  assert.equal(
    await alice.locator('#my-share').innerText(),
    'Your share: 0.00\u00a0EUR left of 50.00\u00a0EUR.',
  );
  assert.equal(await alice.locator('#b1 progress').getAttribute('value'), '5000');
  await assertAccessible(alice, 'a round with a pledge');

  /* too much: the reason, nothing appended */
  const before = (await head(org)).seq;
  await bob.goto('/rounds/r1');
  await bob.locator('#b1').getByLabel('Your pledge (EUR)').fill('20');
  await bob.locator('#b1').getByRole('button', { name: 'Pledge' }).click();
  assert.match(await bob.locator('main').innerText(), /needs only 10\.00 EUR more/);
  assert.equal((await head(org)).seq, before);

  await bob.goto('/rounds/r1');
  await bob.locator('#b1').getByLabel('Your pledge (EUR)').fill('10');
  await bob.locator('#b1').getByRole('button', { name: 'Pledge' }).click();
  await bob.waitForURL((u) => u.pathname === '/rounds/r1');
  assert.equal(await bob.locator('#b1 .badge').innerText(), 'funded');
  assert.equal(await bob.locator('#b1 form').count(), 0, 'a funded bucket takes no pledge');
  assert.match(await bob.locator('#b1 .meta').innerText(), /Pledges: alice 50\.00, bob 10\.00/);

  /* carol is not in ops: no share, no forms */
  await carol.goto('/rounds/r1');
  assert.match(await carol.locator('#my-share').innerText(), /no share/);
  assert.equal(await carol.locator('main form').count(), 0);
  await assertAccessible(carol, 'a round seen from outside its circle');

  const r1 = await apiGet(org, '/api/v1/rounds/r1');
  assert.equal(r1.funded, 6000);
  assert.deepEqual(r1.buckets[0].pledges, { alice: 5000, bob: 1000 });
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
