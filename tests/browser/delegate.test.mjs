// SPDX-License-Identifier: AGPL-3.0-or-later
// Delegation and secret ballots in the web UI: the /delegations page
// (a vote entrusted through its form, shown in the table, refused by the
// delegate and taken back by the delegator), the weight an answer
// carries while the round is open and a direct vote that overrides the
// delegation; then a secret majority vote, whose pages, API and log show
// that a member voted but never how until the close gives the counts.
// Every page state is checked for one h1, labelled controls and unique
// ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allEvents, apiGet, assertAccessible, consentAll, getCharter, getProposal, givePosition,
  optionsOf, positionRows, postForm, postStatus, propose, proposeCharter, setupOrg, shownTime,
  unexpected, withdraw,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

const DAY_MS = 24 * 60 * 60 * 1000;

async function delegations() {
  return (await apiGet(org, '/api/v1/delegations')).delegations;
}

/* The rows of the /delegations table as [from, to, circle, kind,
 * expires, status]; the buttons of the last cell apart. */
async function delegationRows(page) {
  return page
    .locator('#delegations tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.cells].slice(0, 6).map((td) => td.textContent.trim())),
    );
}

/* The names of the buttons in the /delegations table. */
async function tableButtons(page) {
  return page
    .locator('#delegations button')
    .evaluateAll((bs) => bs.map((b) => b.textContent.trim()));
}

/* The legend of the proposal page's participation chart: ["yes: 2", ...]. */
async function legend(page) {
  return page
    .locator('#main figure.chart .legend li')
    .evaluateAll((lis) => lis.map((li) => li.textContent.trim()));
}

/* member -> weight of each answer of proposal id in the API. */
async function weights(id) {
  const p = await getProposal(org, id);
  return Object.fromEntries(p.positions.map((q) => [q.member, q.weight]));
}

/* An agreement.adopt proposal made by alice through the API. */
async function agreement(title) {
  return propose(org, 'alice', 'all', 'agreement.adopt', title, { text: `${title}.` });
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('a vote entrusted on /delegations: table, weight, direct vote, refusal and taking back', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;

  /* reached from the navigation; nothing delegated yet */
  await bob.goto('/');
  await bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Delegations' }).click();
  await bob.waitForURL((u) => u.pathname === '/delegations');
  assert.equal(await bob.locator('h1').innerText(), 'Delegations');
  assert.equal(
    await bob.getByRole('link', { name: 'Delegations' }).getAttribute('aria-current'),
    'page',
  );
  assert.equal(await bob.locator('p.empty').innerText(), 'No delegations.');
  assert.equal(await bob.locator('#delegations').count(), 0);
  assert.match(await bob.locator('#main').innerText(), /more than 3 votes, their own included/);
  assert.match(await bob.locator('#main').innerText(), /lasts 180 days/);
  assert.deepEqual(await delegations(), []);
  await assertAccessible(bob, '/delegations without delegations');

  /* the form: nobody delegates to themselves, and never for the kinds
   * that are not voted on */
  const circles = await optionsOf(bob.getByLabel('Circle'));
  assert.deepEqual(circles.map(([v]) => v), ['all']);
  const to = await optionsOf(bob.getByLabel('To'));
  assert.deepEqual(to, [
    ['alice', 'Alice (alice)'],
    ['carol', 'Carol (carol)'],
  ]);
  const kinds = await optionsOf(bob.getByLabel('Kind'));
  assert.deepEqual(kinds[0], ['', 'every kind']);
  const kindValues = kinds.map(([v]) => v);
  for (const k of ['agreement.adopt', 'charter.amend', 'choice']) {
    assert.ok(kindValues.includes(k), `kind ${k} not offered`);
  }
  for (const k of ['member.remove', 'role.elect', 'role.draw']) {
    assert.ok(!kindValues.includes(k), `kind ${k} offered`);
  }
  /* nor through a forged form */
  const csrf = await bob.locator('#delegate input[name="csrf"]').inputValue();
  for (const [body, message] of [
    ['circle=all&to=bob&kind=', /you already hold your own vote/],
    ['circle=all&to=alice&kind=member.remove', /member\.remove is never decided by votes/],
  ]) {
    const res = await postForm(org, bob, '/delegations', `${body}&csrf=${csrf}`);
    assert.equal(res.status, 400, body);
    const html = await res.text();
    assert.match(html, /<h1>Not done<\/h1>/, body);
    assert.match(html, message, body);
  }
  assert.deepEqual(await delegations(), []);

  /* bob entrusts his vote in "all" to alice, for every kind */
  await bob.getByLabel('Circle').selectOption('all');
  await bob.getByLabel('To').selectOption('alice');
  await bob.getByLabel('Kind').selectOption('');
  assert.equal(await postStatus(bob, 'Delegate'), 303);
  await bob.waitForURL((u) => u.pathname === '/delegations');
  const [d] = await delegations();
  assert.deepEqual(
    { from: d.from, to: d.to, circle: d.circle, kind: d.kind, refused: d.refused },
    { from: 'bob', to: 'alice', circle: 'all', kind: null, refused: false },
  );
  assert.equal(Date.parse(d.expires) - Date.parse(d.since), 180 * DAY_MS);
  const row = ['bob', 'alice', 'all', 'every kind', shownTime(d.expires), 'given'];
  for (const page of [alice, bob, carol]) {
    await page.goto('/delegations');
    assert.deepEqual(await delegationRows(page), [row]);
    assert.equal(await page.locator('p.empty').count(), 0);
  }
  assert.equal(
    await bob.locator('#delegations time').getAttribute('datetime'),
    d.expires,
  );
  /* the delegator may take it back, the delegate refuse it, nobody else
   * either */
  assert.deepEqual(await tableButtons(bob), ['Take back']);
  assert.deepEqual(await tableButtons(alice), ['Refuse']);
  assert.deepEqual(await tableButtons(carol), []);
  await assertAccessible(bob, '/delegations with a row (delegator)');
  await assertAccessible(alice, '/delegations with a row (delegate)');
  await assertAccessible(carol, '/delegations with a row (third member)');

  /* agreements decided by majority, where delegations count */
  const cid = await proposeCharter(alice, 'Agreements by majority', 'decision.agreement.adopt', 'majority');
  assert.equal(await consentAll(org, cid), 'adopted');
  assert.equal((await getCharter(org))['decision.agreement.adopt'], 'majority');

  /* alice's yes carries bob's vote while he is silent */
  const p1 = await agreement('Tool library');
  await givePosition(alice, p1, 'yes');
  assert.deepEqual(await weights(p1), { alice: 2 });
  assert.equal((await getProposal(org, p1)).status, 'open');
  await bob.goto(`/proposals/${p1}`);
  assert.deepEqual(
    (await positionRows(bob)).map(([m, pos]) => [m, pos]),
    [['alice', 'yes']],
  );
  assert.deepEqual(await legend(bob), ['yes: 1', 'no: 0', 'abstain: 0', 'object: 0', 'no position yet: 2']);
  /* the page shows the votes an answer carries */
  assert.equal(
    await bob.locator('#positions tbody tr', { hasText: 'alice' }).locator('.weight').innerText(),
    'carries 2 votes, delegated',
  );

  /* bob answers himself: his own vote overrides the delegation */
  await givePosition(bob, p1, 'no');
  assert.deepEqual(await weights(p1), { alice: 1, bob: 1 });
  await givePosition(carol, p1, 'yes');
  const closed = await getProposal(org, p1);
  assert.equal(closed.status, 'adopted');
  assert.deepEqual(await weights(p1), { alice: 1, bob: 1, carol: 1 });
  assert.equal(closed.tally.yes, 2);
  assert.equal(closed.tally.no, 1);
  const close = (await allEvents(org)).find(
    (e) => e.type === 'proposal.closed' && e.data.proposal === p1,
  );
  assert.ok(close, `no proposal.closed for ${p1}`);
  assert.deepEqual(close.data.tally, { yes: 2, no: 1, abstain: 0, object: 0, eligible: 3 });
  assert.equal(close.data.weights, undefined, 'nobody carried another vote');
  assert.equal(close.data.over_cap, undefined);

  /* silent bob's delegated vote is no answer: the round stays open */
  const p2 = await agreement('Seed swap');
  await givePosition(alice, p2, 'yes');
  await givePosition(carol, p2, 'no');
  const open = await getProposal(org, p2);
  assert.equal(open.status, 'open');
  assert.deepEqual(await weights(p2), { alice: 2, carol: 1 });

  /* alice refuses it: the row stays, refused, without her button */
  await alice.goto('/delegations');
  assert.equal(await postStatus(alice, 'Refuse'), 303);
  await alice.waitForURL((u) => u.pathname === '/delegations');
  assert.deepEqual(await delegationRows(alice), [row.slice(0, 5).concat('refused')]);
  assert.deepEqual(await tableButtons(alice), []);
  assert.equal((await delegations())[0].refused, true);
  assert.deepEqual(await weights(p2), { alice: 1, carol: 1 });
  await bob.goto('/delegations');
  assert.deepEqual(await delegationRows(bob), [row.slice(0, 5).concat('refused')]);
  assert.deepEqual(await tableButtons(bob), ['Take back']);
  await assertAccessible(bob, '/delegations with a refused row');

  /* bob takes it back: the row is gone */
  assert.equal(await postStatus(bob, 'Take back'), 303);
  await bob.waitForURL((u) => u.pathname === '/delegations');
  assert.equal(await bob.locator('#delegations').count(), 0);
  assert.equal(await bob.locator('p.empty').innerText(), 'No delegations.');
  assert.deepEqual(await delegations(), []);
  await alice.goto('/delegations');
  assert.equal(await alice.locator('#delegations').count(), 0);
  await assertAccessible(bob, '/delegations after taking back');

  await withdraw(org, p2);
  assert.deepEqual(unexpected(org.errors), []);
});

test('a secret majority vote: sealed while open, counted at the close', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;

  /* set in the charter form: the new value typed into its textarea */
  await alice.goto('/proposals/new?kind=charter.amend');
  assert.equal(
    await alice.getByLabel('New value').evaluate((el) => el.tagName),
    'TEXTAREA',
  );
  const cid = await proposeCharter(
    alice,
    'Secret votes on agreements',
    'decision.agreement.adopt',
    'majority/secret',
  );
  assert.deepEqual((await getProposal(org, cid)).data, {
    set: { 'decision.agreement.adopt': 'majority/secret' },
  });
  assert.equal(await consentAll(org, cid), 'adopted');
  assert.equal((await getCharter(org))['decision.agreement.adopt'], 'majority/secret');

  const id = await agreement('Anonymous feedback box');
  await bob.goto(`/proposals/${id}`);
  assert.match(await bob.locator('#secret').innerText(), /^A secret ballot: the record shows that you voted/);
  assert.match(await bob.locator('#secret').innerText(), /operator could still see it/);
  const radios = await bob
    .locator('#position input[name="position"]')
    .evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(radios, ['yes', 'no', 'abstain']);
  assert.equal(await bob.locator('#pos-object').count(), 0);
  assert.equal(await bob.locator('#position [name="reason"]').count(), 0);
  assert.equal(await bob.locator('#position [name="criterion"]').count(), 0);
  assert.equal(await bob.locator('#positions').count(), 0);
  await assertAccessible(bob, 'an open secret vote');

  /* bob votes yes: everyone sees that he voted, nobody how */
  await givePosition(bob, id, 'yes');
  for (const page of [alice, bob, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.deepEqual(
      (await positionRows(page)).map(([m, pos, reason]) => [m, pos, reason]),
      [['bob', 'voted (secret)', '']],
    );
    const table = await page.locator('#positions').innerText();
    assert.ok(!/\byes\b/.test(table), `the table shows bob's yes: ${table}`);
    assert.deepEqual(await legend(page), ['voted: 1', 'no position yet: 2']);
    assert.equal(await page.locator('#secret').count(), 1);
  }
  await assertAccessible(bob, 'a secret vote after a vote (voter)');
  await assertAccessible(carol, 'a secret vote after a vote (other member)');

  const sealed = await getProposal(org, id);
  assert.equal(sealed.status, 'open');
  assert.deepEqual(
    sealed.positions.map((q) => [q.member, q.position]),
    [['bob', 'sealed']],
  );
  assert.deepEqual(sealed.tally, { voted: 1, eligible: 3 });
  assert.ok(!/"yes"/.test(JSON.stringify(sealed)), 'the API shows a yes');

  const mine = (await allEvents(org)).filter((e) => e.data?.proposal === id);
  const cast = mine.filter((e) => e.type === 'vote.cast');
  assert.equal(cast.length, 1);
  assert.equal(cast[0].actor, 'bob');
  assert.deepEqual(cast[0].data, { proposal: id, round: 1 });
  assert.equal(mine.filter((e) => e.type === 'position.given').length, 0);
  assert.ok(!/"yes"/.test(JSON.stringify(mine)), 'the log shows a yes');

  /* everyone answered: the round closes and gives the counts */
  await givePosition(alice, id, 'no');
  assert.equal((await getProposal(org, id)).status, 'open');
  await givePosition(carol, id, 'yes');
  const done = await getProposal(org, id);
  assert.equal(done.status, 'adopted');
  assert.equal(done.tally.yes, 2);
  assert.equal(done.tally.no, 1);
  assert.equal(done.tally.abstain, 0);
  assert.deepEqual(
    done.positions.map((q) => [q.member, q.position]).sort(),
    [['alice', 'sealed'], ['bob', 'sealed'], ['carol', 'sealed']],
  );

  for (const page of [alice, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'adopted');
    assert.match(await page.locator('.outcome').innerText(), /^Outcome: adopted: 2 yes, 1 no\b/);
    const shown = await legend(page);
    for (const bar of ['yes: 2', 'no: 1', 'abstain: 0']) {
      assert.ok(shown.includes(bar), `no "${bar}" in ${JSON.stringify(shown)}`);
    }
    assert.ok(!shown.some((l) => l.startsWith('voted')), `still "voted" after the close`);
    const rows = await positionRows(page);
    assert.deepEqual(
      rows.map(([m, pos]) => [m, pos]).sort(),
      [['alice', 'voted (secret)'], ['bob', 'voted (secret)'], ['carol', 'voted (secret)']],
    );
    assert.equal(await page.locator('#position').count(), 0);
  }
  await assertAccessible(carol, 'a closed secret vote');

  const events = (await allEvents(org)).filter((e) => e.data?.proposal === id);
  assert.deepEqual(
    events.filter((e) => e.type === 'vote.cast').map((e) => e.actor),
    ['bob', 'alice', 'carol'],
  );
  assert.equal(events.filter((e) => e.type === 'position.given').length, 0);
  const close = events.find((e) => e.type === 'proposal.closed');
  assert.equal(close.data.tally.yes, 2);
  assert.equal(close.data.tally.no, 1);
  assert.equal(close.data.weights, undefined);

  assert.deepEqual(unexpected(org.errors), []);
});
