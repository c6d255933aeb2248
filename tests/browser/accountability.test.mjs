// SPDX-License-Identifier: AGPL-3.0-or-later
// Joint accountability in the web UI: a commitment made on /commitments,
// updated with progress and released by its member (and nobody else's
// form shown to others), a refused update that says why, and an
// agreement whose review date came shown on everyone's home page until a
// review proposal answers it. Every page state is checked for one h1,
// labelled controls and unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAccessible, consentAll, propose, setupOrg, unexpected,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

/* The rows of a commitments table as [what, who, circle, by, status, note]. */
async function rows(page, table) {
  return page
    .locator(`#${table} tbody tr:not(.update)`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

test('a commitment made, updated and released by its member', { timeout: 120_000 }, async () => {
  const { bob, carol } = org.pages;
  await bob.goto('/');
  await bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Commitments' }).click();
  await bob.waitForURL((u) => u.pathname === '/commitments');
  assert.equal(await bob.locator('h1').innerText(), 'Commitments');
  assert.match(await bob.locator('main').innerText(), /You have made no commitment yet/);
  await assertAccessible(bob, 'no commitments');

  await bob.getByLabel('To the circle').selectOption('all');
  await bob.getByLabel('What you will do').fill('Fix the fridge door');
  await bob.getByLabel('By').fill('2999-01-31');
  await bob.getByRole('button', { name: 'Commit' }).click();
  await bob.waitForURL((u) => u.pathname === '/commitments');
  assert.deepEqual(await rows(bob, 'mine'), [
    ['Fix the fridge door', 'bob', 'all', '2999-01-31', 'open', ''],
  ]);
  await assertAccessible(bob, 'one commitment');

  /* progress needs a note: refused with the reason */
  await bob.getByRole('button', { name: 'Save' }).click();
  assert.match(await bob.locator('main').innerText(), /note must say what progress was made/);

  await bob.goto('/commitments');
  await bob.getByLabel('Note').fill('Ordered the seal');
  await bob.getByRole('button', { name: 'Save' }).click();
  await bob.waitForURL((u) => u.pathname === '/commitments');
  assert.equal((await rows(bob, 'mine'))[0][5], 'Ordered the seal');

  /* carol sees no form for bob's commitment */
  await carol.goto('/commitments');
  assert.equal(await carol.locator('#mine').count(), 0);
  assert.equal(await carol.getByRole('button', { name: 'Save' }).count(), 0);

  await bob.getByLabel('Update c1').selectOption('released');
  await bob.getByLabel('Note').fill('The landlord fixes it after all');
  await bob.getByRole('button', { name: 'Save' }).click();
  await bob.waitForURL((u) => u.pathname === '/commitments');
  assert.deepEqual((await rows(bob, 'mine'))[0].slice(4), [
    'released', 'The landlord fixes it after all',
  ]);
  assert.equal(await bob.getByRole('button', { name: 'Save' }).count(), 0, 'released: no more updates');

  const c1 = (await apiGet(org, '/api/v1/commitments?member=bob'))[0];
  assert.equal(c1.status, 'released');
  assert.equal(c1.updates.length, 2);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('an agreement due for review shows on the home page until a review answers it', { timeout: 120_000 }, async () => {
  const { alice, carol } = org.pages;
  const today = new Date().toISOString().slice(0, 10);
  const adopt = await propose(org, 'alice', 'all', 'agreement.adopt', 'Quiet hours', {
    text: 'Quiet after ten.', review_by: today,
  });
  assert.equal(await consentAll(org, adopt), 'adopted');
  const id = (await apiGet(org, `/api/v1/proposals/${adopt}`)).effect;

  /* the server marks it due on its own, within a tick */
  let due = false;
  for (let i = 0; i < 50 && !due; i++) {
    due = (await apiGet(org, `/api/v1/agreements/${id}`)).review_due;
    if (!due) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(due, 'review_due');
  await carol.goto('/');
  const list = carol.locator('#reviews-due');
  assert.match(await list.innerText(), /Quiet hours/);
  assert.match(await list.innerText(), new RegExp(`review date ${today}`));
  await assertAccessible(carol, 'the home page with a review due');

  /* a review through the form keeps it */
  await alice.goto('/proposals/new?kind=agreement.review');
  await alice.getByLabel('Title').fill('Keep quiet hours');
  await alice.getByLabel('Agreement', { exact: true }).selectOption(id);
  await alice.getByLabel('Outcome').selectOption('keep');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.waitForURL(/\/proposals\/p\d+$/);
  const review = new URL(alice.url()).pathname.split('/').pop();
  assert.equal(await consentAll(org, review), 'adopted');
  assert.equal((await apiGet(org, `/api/v1/agreements/${id}`)).review_due, false);
  await carol.goto('/');
  assert.equal(await carol.locator('#reviews-due').count(), 0);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
