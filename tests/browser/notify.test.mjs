// SPDX-License-Identifier: AGPL-3.0-or-later
// Notification settings in the web UI: the /notifications page of each
// member, a webhook URL that is not http(s) refused next to its field, a
// good one saved with its key shown once, the chosen events kept, and
// another member seeing only their own settings. Every page state is
// checked for one h1, labelled controls and unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiGet, assertAccessible, assertFieldError, setupOrg, unexpected } from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('a member sets a webhook and the events to hear about', { timeout: 120_000 }, async () => {
  const { alice, bob } = org.pages;
  await alice.goto('/');
  await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  await alice.waitForURL((u) => u.pathname === '/notifications');
  assert.equal(await alice.locator('h1').innerText(), 'Notifications');
  assert.match(await alice.locator('main').innerText(), /no SMTP server set up/);
  await assertAccessible(alice, 'empty notification settings');

  /* a URL that is not http(s): the reason next to the field */
  await alice.getByLabel('Webhook URL').fill('ftp://hooks.example.org/x');
  await alice.getByLabel('a proposal is opened').check();
  await alice.getByRole('button', { name: 'Save' }).click();
  await assertFieldError(alice, 'webhook', /http:\/\/ or https:\/\//);
  await assertAccessible(alice, 'a refused webhook');
  assert.equal((await apiGet(org, '/api/v1/notifications')).webhook, null);

  await alice.getByLabel('Webhook URL').fill('https://hooks.example.org/accord');
  await alice.getByLabel('a proposal is opened').check();
  await alice.getByLabel('an agreement is due for review').check();
  await alice.getByRole('button', { name: 'Save' }).click();
  const key = alice.locator('#secret-key');
  assert.match(await key.innerText(), /^[0-9a-f]{64}$/);
  await assertAccessible(alice, 'the key shown once');

  await alice.goto('/notifications');
  assert.equal(await alice.locator('#secret').count(), 0, 'shown once only');
  assert.equal(await alice.getByLabel('Webhook URL').inputValue(), 'https://hooks.example.org/accord');
  assert.ok(await alice.getByLabel('a proposal is opened').isChecked());
  assert.ok(await alice.getByLabel('an agreement is due for review').isChecked());
  assert.ok(!(await alice.getByLabel('a round closes', { exact: false }).isChecked()));
  const mine = await apiGet(org, '/api/v1/notifications');
  assert.deepEqual(mine.events, ['proposal.opened', 'agreement.review_due']);

  await bob.goto('/notifications');
  assert.equal(await bob.getByLabel('Webhook URL').inputValue(), '', 'bob sees his own');
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
