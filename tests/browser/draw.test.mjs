// SPDX-License-Identifier: AGPL-3.0-or-later
// A role filled by lot in the web UI (docs/roles.md#lot): a role.draw
// opened in the new proposal form, one member volunteering with a phrase
// the server hashes, another with a commitment made on their own
// machine, a third passing; the reveal, with a wrong secret refused; the
// drawn holder on /roles, and the draw worked out again from the log's
// draw.revealed events. Every page state is checked for one h1, labelled
// controls and unique ids.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  allEvents, apiGet, assertAccessible, assertFieldError, createRole, getProposal, head, optionsOf,
  phaseLine, positionRows, postStatus, proposeForRole, setupOrg, shownTime, unexpected,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

function sha256(...parts) {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

/* A commitment: the lowercase hex SHA-256 of the secret's bytes. */
function commitment(secret) {
  return sha256(Buffer.from(secret)).toString('hex');
}

/* The draw as docs/roles.md#lot defines it, from the revealed secrets
 * ({ member: secret }): the seed is the SHA-256 over the volunteers in
 * byte order of their ids, each as id, a zero byte, the secret, a zero
 * byte; the order is by SHA-256(seed || id), ascending; the first is
 * drawn. */
function drawOf(revealed) {
  const bytes = (id) => Buffer.from(id);
  const ids = Object.keys(revealed).sort((x, y) => Buffer.compare(bytes(x), bytes(y)));
  const seed = sha256(
    ...ids.flatMap((id) => [bytes(id), Buffer.of(0), Buffer.from(revealed[id]), Buffer.of(0)]),
  );
  const key = (id) => sha256(seed, bytes(id));
  const order = [...ids].sort((x, y) => Buffer.compare(key(x), key(y)));
  return { seed: seed.toString('hex'), order, drawn: order[0] };
}

/* A secret typed into the reveal form and sent. */
async function reveal(page, id, secret) {
  await page.goto(`/proposals/${id}`);
  await page.getByLabel('Your secret').fill(secret);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
}

test('a role filled by lot: commit, reveal, and the draw worked out again', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  await createRole(org, {
    id: 'host',
    name: 'Host',
    purpose: 'Guests find the door open',
    accountabilities: ['Opening the door'],
    term_days: 30,
  });

  /* opened in the form, choosing the role */
  await alice.goto('/proposals/new');
  await alice.getByLabel('Kind of proposal').selectOption('role.draw');
  await alice.getByRole('button', { name: 'Choose' }).click();
  await alice.waitForURL((u) => u.search === '?kind=role.draw');
  await assertAccessible(alice, 'the role.draw form');
  assert.deepEqual(await optionsOf(alice.getByLabel('Role', { exact: true })), [['host', 'Host']]);
  const id = await proposeForRole(alice, 'role.draw', 'Draw a host', 'host');
  let p = await getProposal(org, id);
  assert.deepEqual([p.kind, p.data, p.phase], ['role.draw', { role: 'host' }, 'volunteer']);

  /* volunteering: a commitment or a phrase, or a pass; nothing else */
  for (const page of [alice, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Draw phase: volunteer');
    assert.equal(await page.locator('p', { hasText: /^Decided by / }).innerText(), 'Decided by lot.');
    const form = page.locator('#volunteer');
    assert.equal(await form.locator('h2').innerText(), 'Volunteer');
    assert.equal(await form.getByLabel('Commitment').getAttribute('type'), 'text');
    assert.equal(await form.getByLabel('Or a secret phrase').getAttribute('type'), 'password');
    assert.equal(await form.getByRole('button', { name: 'Volunteer' }).count(), 1);
    assert.equal(await form.getByRole('button', { name: 'Pass' }).count(), 1);
    assert.equal(await page.locator('#position').count(), 0, 'a position form on a draw');
    assert.equal(await page.locator('#reveal').count(), 0, 'a reveal form while volunteering');
  }
  /* a draw is never amended, but withdrawn like any proposal */
  assert.equal(await alice.locator('#amend').count(), 0, 'an amend form on a draw');
  assert.equal(await alice.getByRole('button', { name: 'Withdraw proposal' }).count(), 1);
  await assertAccessible(alice, 'a draw taking volunteers (author)');
  await assertAccessible(carol, 'a draw taking volunteers (member)');

  /* a commitment that is not a SHA-256 is refused next to its field */
  const before = await head(org);
  await bob.goto(`/proposals/${id}`);
  await bob.getByLabel('Commitment').fill('not a hash');
  assert.equal(await postStatus(bob, 'Volunteer'), 400);
  await bob.getByRole('alert').first().waitFor();
  await assertFieldError(bob, 'commitment', /\/commitment must be the SHA-256 of your secret/);
  await assertAccessible(bob, 'a refused commitment');
  assert.deepEqual(await head(org), before, 'a refused commitment appended to the log');

  /* alice types a phrase: the server keeps its SHA-256 only */
  const secrets = { alice: 'The owl flies at noon', bob: 'a pebble from the river, 7f3a' };
  await alice.goto(`/proposals/${id}`);
  await alice.getByLabel('Or a secret phrase').fill(secrets.alice);
  await alice.getByRole('button', { name: 'Volunteer' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.equal(await alice.locator('#volunteer h2').innerText(), 'You volunteered');
  assert.deepEqual(await positionRows(alice), [
    ['alice', 'volunteer', `commitment ${commitment(secrets.alice)}`],
  ]);
  assert.ok(!(await alice.content()).includes(secrets.alice), 'the phrase is on the page');
  await assertAccessible(alice, 'a draw after volunteering');

  /* bob commits to a secret of his own */
  await bob.goto(`/proposals/${id}`);
  await bob.getByLabel('Commitment').fill(commitment(secrets.bob));
  await bob.getByRole('button', { name: 'Volunteer' }).click();
  await bob.waitForURL((u) => u.pathname === `/proposals/${id}`);
  p = await getProposal(org, id);
  assert.equal(p.phase, 'volunteer');
  assert.deepEqual(
    p.positions.map((x) => [x.member, x.position, x.commitment, x.secret]),
    [
      ['alice', 'volunteer', commitment(secrets.alice), null],
      ['bob', 'volunteer', commitment(secrets.bob), null],
    ],
  );
  const volunteered = (await allEvents(org)).filter(
    (e) => e.type === 'draw.volunteered' && e.data.proposal === id,
  );
  assert.deepEqual(
    volunteered.map((e) => [e.actor, e.data.commitment]),
    [
      ['alice', commitment(secrets.alice)],
      ['bob', commitment(secrets.bob)],
    ],
  );
  assert.ok(
    !JSON.stringify(volunteered).includes(secrets.alice),
    'the phrase is in the log before the reveal',
  );

  /* a commitment and a phrase that do not match: refused, the phrase
   * not sent back */
  await carol.goto(`/proposals/${id}`);
  await carol.getByLabel('Commitment').fill(commitment('one secret'));
  await carol.getByLabel('Or a secret phrase').fill('another secret');
  assert.equal(await postStatus(carol, 'Volunteer'), 400);
  await carol.getByRole('alert').first().waitFor();
  await assertFieldError(carol, 'commitment', /\/commitment is not the SHA-256 of the phrase/);
  assert.equal(await carol.getByLabel('Or a secret phrase').inputValue(), '');
  assert.ok(!(await carol.content()).includes('another secret'), 'the phrase is sent back');
  await assertAccessible(carol, 'a refused commitment and phrase');
  assert.equal((await getProposal(org, id)).positions.length, 2);

  /* carol passes: everyone has answered, the reveal begins */
  await carol.goto(`/proposals/${id}`);
  await carol.getByRole('button', { name: 'Pass' }).click();
  await carol.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.equal((await getProposal(org, id)).phase, 'reveal');
  for (const page of [alice, bob, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Draw phase: reveal');
    assert.equal(await page.locator('#volunteer').count(), 0, 'a volunteer form in the reveal');
  }
  assert.match(await carol.locator('#positions').innerText(), /carol\s+pass/);
  assert.equal(await carol.locator('#reveal').count(), 0, 'a reveal form for a member who passed');
  for (const page of [alice, bob]) {
    const form = page.locator('#reveal');
    assert.equal(await form.locator('h2').innerText(), 'Reveal your secret');
    assert.equal(await form.getByLabel('Your secret').count(), 1);
  }
  await assertAccessible(bob, 'a draw revealing (volunteer)');
  await assertAccessible(carol, 'a draw revealing (member who passed)');

  /* a wrong secret is refused with the commitment it must match */
  const beforeReveal = await head(org);
  await bob.getByLabel('Your secret').fill('a pebble from the sea');
  assert.equal(await postStatus(bob, 'Reveal'), 400);
  await bob.getByRole('alert').first().waitFor();
  await assertFieldError(
    bob,
    'secret',
    new RegExp(`/secret does not match your commitment \\(its SHA-256 must be ${commitment(secrets.bob)}\\)`),
  );
  await assertAccessible(bob, 'a refused secret');
  assert.deepEqual(await head(org), beforeReveal, 'a wrong secret appended to the log');
  p = await getProposal(org, id);
  assert.deepEqual(
    p.positions.map((x) => [x.member, x.position, 'secret' in x ? x.secret : 'none']),
    [
      ['alice', 'volunteer', null],
      ['bob', 'volunteer', null],
      ['carol', 'pass', 'none'],
    ],
  );

  /* both reveal; the last one draws the lot */
  await reveal(alice, id, secrets.alice);
  assert.equal(await alice.locator('#reveal').count(), 0, 'a reveal form after revealing');
  assert.match(await alice.locator('#positions').innerText(), new RegExp(`secret ${secrets.alice}`));
  assert.equal((await getProposal(org, id)).status, 'open');
  await reveal(bob, id, secrets.bob);

  /* the draw, worked out again from the log */
  const events = (await allEvents(org)).filter((e) => e.data.proposal === id);
  const revealed = Object.fromEntries(
    events.filter((e) => e.type === 'draw.revealed').map((e) => [e.actor, e.data.secret]),
  );
  assert.deepEqual(revealed, secrets);
  const want = drawOf(revealed);
  p = await getProposal(org, id);
  assert.equal(p.status, 'decided');
  assert.deepEqual(p.result, want);
  const closed = events.filter((e) => e.type === 'proposal.closed');
  assert.equal(closed.length, 1);
  assert.deepEqual(closed[0].data.result, want);
  assert.deepEqual(closed[0].data.tally, { volunteer: 2, pass: 1, eligible: 3 });
  const reason = `${want.drawn} drawn by lot among 2 volunteer(s) who revealed (of 2)`;
  assert.equal(closed[0].data.reason, reason);
  assert.equal(p.outcome, reason);

  for (const page of [alice, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'decided');
    assert.equal(await page.locator('.outcome').innerText(), `Outcome: ${reason}`);
    assert.equal(await page.locator('#volunteer').count(), 0);
    assert.equal(await page.locator('#reveal').count(), 0);
    assert.equal(await page.locator('#withdraw').count(), 0);
  }
  await assertAccessible(carol, 'a decided draw');

  /* the drawn volunteer holds the role */
  const role = await apiGet(org, '/api/v1/roles/host');
  assert.equal(role.holder, want.drawn);
  assert.equal(role.terms.at(-1).proposal, id);
  assert.equal(Date.parse(role.term_end) - Date.parse(p.closed), 30 * 86_400_000);
  await carol.goto('/roles');
  assert.equal(
    await carol.locator('#role-host .holder').innerText(),
    `Held by ${want.drawn} until ${shownTime(role.term_end)}`,
  );
  await assertAccessible(carol, '/roles with a drawn holder');
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
