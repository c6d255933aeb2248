// SPDX-License-Identifier: AGPL-3.0-or-later
// Decision methods in the web UI: the charter's decision.* parameters and
// a circle's own method set through the charter.amend form, a vote by
// yes/no/abstain/object, choice proposals counted by Schulze (ballots
// typed in, by mouse and by keyboard) and by approval, and objections
// that name a charter criterion and collect suggested amendments. Every
// new page state is checked for one h1, labelled controls and unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAccessible, consentAll, createCircle, csrfOf, enterOn, getCharter, getProposal,
  givePosition, head, idOf, MEMBERS, optionsOf, postForm, postStatus, propose, proposeCharter,
  setupOrg, tab, tabTo, unexpected, withdraw,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

async function getResult(id) {
  return apiGet(org, `/api/v1/proposals/${id}/result`);
}

/* A choice opened in the new proposal form; resolves its id. */
async function proposeChoice(page, title, optionsText) {
  await page.goto('/proposals/new?kind=choice');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Options').fill(optionsText);
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

/* A ranked ballot typed into the ballot form: ranks[i] for option i+1,
 * '' leaves it empty. */
async function castRanks(page, id, ranks) {
  await page.goto(`/proposals/${id}`);
  for (let i = 0; i < ranks.length; i++) {
    await page.locator(`#opt-${i + 1}`).fill(String(ranks[i]));
  }
  await page.getByRole('button', { name: 'Save ballot' }).click();
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
}

/* An approval ballot: the options (numbers) ticked, the others not. */
async function castApproval(page, id, approve, n) {
  await page.goto(`/proposals/${id}`);
  for (let c = 1; c <= n; c++) {
    await page.locator(`#opt-${c}`).setChecked(approve.includes(c));
  }
  await page.getByRole('button', { name: 'Save ballot' }).click();
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
}

/* The text of the "Decided by ..." line. */
async function decidedBy(page) {
  return page.locator('p', { hasText: /^Decided by / }).innerText();
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('an agreement decided by majority: yes, no, abstain and a reasoned objection', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;

  /* the parameter, its kind of value, set in the form */
  await alice.goto('/proposals/new?kind=charter.amend');
  await assertAccessible(alice, 'the charter.amend form');
  const optionText = (name) => alice.locator(`#f-param option[value="${name}"]`).innerText();
  assert.match(
    await optionText('decision.agreement.adopt'),
    /consent, consensus, majority or supermajority:NN/,
  );
  assert.match(await optionText('decision.choice'), /schulze, schulze_margins, approval or score/);
  assert.equal(await alice.getByLabel('For circle').inputValue(), '');
  const cid = await proposeCharter(
    alice,
    'Agreements by majority',
    'decision.agreement.adopt',
    'majority',
  );
  assert.deepEqual((await getProposal(org, cid)).data, {
    set: { 'decision.agreement.adopt': 'majority' },
  });
  assert.equal(await decidedBy(alice), 'Decided by consent.');
  await assertAccessible(alice, 'an open charter.amend (author)');
  for (const who of MEMBERS) await givePosition(org.pages[who], cid, 'consent');
  await alice.goto(`/proposals/${cid}`);
  assert.equal(await alice.locator('#status').innerText(), 'adopted');

  await alice.goto('/charter');
  const row = alice.locator('#charter tr', { hasText: 'decision.agreement.adopt' });
  assert.equal(await row.locator('.value').innerText(), 'majority');
  assert.match(await row.innerText(), new RegExp(`\\b${cid}\\b`));
  /* the other kinds keep consent */
  const amendRow = alice.locator('#charter tr', { hasText: 'decision.agreement.amend' });
  assert.equal(await amendRow.locator('.value').innerText(), 'consent');
  assert.equal((await getCharter(org))['decision.agreement.adopt'], 'majority');

  /* an agreement proposed now is decided by majority */
  await alice.goto('/proposals/new?kind=agreement.adopt');
  await alice.getByLabel('Title').fill('Bike shed');
  await alice.getByLabel('Agreement text').fill('We build a bike shed by the gate.');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.waitForURL(/\/proposals\/p\d+$/);
  const id = idOf(alice);
  assert.equal(await decidedBy(alice), 'Decided by majority.');
  await bob.goto(`/proposals/${id}`);
  for (const pos of ['yes', 'no', 'abstain', 'object']) {
    assert.equal(await bob.locator(`#pos-${pos}`).count(), 1, `no ${pos} radio`);
  }
  for (const pos of ['consent', 'concern', 'stand_aside']) {
    assert.equal(await bob.locator(`#pos-${pos}`).count(), 0, `a ${pos} radio under majority`);
  }
  const radios = await bob
    .locator('#position input[name="position"]')
    .evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual([...radios].sort(), ['abstain', 'no', 'object', 'yes']);
  assert.equal(await bob.getByLabel('yes', { exact: true }).count(), 1);
  await assertAccessible(bob, 'an open majority vote');

  /* an objection still needs its reason */
  await bob.locator('#pos-object').check();
  await bob.getByRole('button', { name: 'Save position' }).click();
  await bob.getByRole('alert').waitFor();
  assert.match(await bob.getByRole('alert').innerText(), /reason/);
  await assertAccessible(bob, 'a refused objection under majority');

  const reason = 'The shed would block the fire exit';
  await givePosition(bob, id, 'object', { reason });
  await givePosition(carol, id, 'yes');
  assert.equal((await getProposal(org, id)).status, 'open');
  await givePosition(alice, id, 'yes');

  /* everyone answered: two yes outweigh one objection */
  for (const page of [alice, bob]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'adopted');
    assert.equal(
      await page.locator('.outcome').innerText(),
      'Outcome: adopted: 2 yes, 0 no, 1 objection(s), 0 abstained (more yes than no)',
    );
    assert.equal(await page.locator('#position').count(), 0, 'a position form on a closed proposal');
    /* the objection and its reason stay on the record */
    assert.match(await page.locator('#positions').innerText(), new RegExp(`bob\\s+object\\s+${reason}`));
    const objections = page.locator('#objections > li');
    assert.equal(await objections.count(), 1);
    assert.match(await objections.first().innerText(), /bob, round 1/);
    assert.equal(await objections.first().locator('.reason').innerText(), reason);
    assert.equal(await page.getByRole('button', { name: 'Record suggestion' }).count(), 0);
  }
  await assertAccessible(alice, 'an adopted majority vote');
  const p = await getProposal(org, id);
  assert.equal(p.status, 'adopted');
  assert.equal(p.objections.length, 1);
  assert.equal(p.objections[0].reason, reason);
  await alice.goto('/agreements');
  assert.match(await alice.locator('#agreements-active').innerText(), /Bike shed/);

  /* one yes against one no is not a majority: rejected */
  const id2 = await propose(org, 'alice', 'all', 'agreement.adopt', 'Paint the shed red', { text: 'Red.' });
  await givePosition(alice, id2, 'yes');
  await givePosition(bob, id2, 'no');
  await givePosition(carol, id2, 'abstain');
  await carol.goto(`/proposals/${id2}`);
  assert.equal(await carol.locator('#status').innerText(), 'rejected');
  assert.equal(
    await carol.locator('.outcome').innerText(),
    'Outcome: rejected: 1 yes, 1 no, 0 objection(s), 1 abstained (more yes than no)',
  );
  assert.match(await carol.locator('#positions').innerText(), /carol\s+abstain/);
  assert.equal(await carol.locator('#objections').count(), 0);
  await assertAccessible(carol, 'a rejected vote');
  await carol.goto('/agreements');
  assert.doesNotMatch(await carol.locator('main').innerText(), /Paint the shed red/);
});

test('a circle gets its own method through the "For circle" select', { timeout: 90_000 }, async () => {
  const { alice } = org.pages;
  await createCircle(org, {
    id: 'kitchen',
    name: 'Kitchen',
    purpose: 'Keeps the kitchen going',
    members: ['alice', 'bob', 'carol'],
  });

  await alice.goto('/charter');
  assert.equal(await alice.locator('#rules').count(), 0);
  assert.match(
    await alice.locator('main').innerText(),
    /Every circle decides as the decision\.\* parameters above say/,
  );

  /* a value out of bounds is refused next to the value field */
  const before = await head(org);
  await alice.goto('/proposals/new?kind=charter.amend');
  const circles = await optionsOf(alice.getByLabel('For circle'));
  assert.deepEqual(circles.map(([v]) => v), ['', 'all', 'kitchen']);
  assert.deepEqual(circles[0], ['', 'every circle']);
  assert.deepEqual(circles[2], ['kitchen', 'Kitchen']);
  await alice.getByLabel('Title').fill('Kitchen by a low bar');
  await alice.getByLabel('Charter parameter').selectOption('decision.agreement.adopt');
  await alice.getByLabel('New value').fill('supermajority:40');
  await alice.getByLabel('For circle').selectOption('kitchen');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.getByRole('alert').first().waitFor();
  assert.match(await alice.locator('#value-error').innerText(), /decision\.agreement\.adopt/);
  assert.equal(await alice.getByLabel('For circle').inputValue(), 'kitchen');
  assert.equal(await alice.getByLabel('New value').inputValue(), 'supermajority:40');
  await assertAccessible(alice, 'a refused charter.amend form');
  assert.deepEqual(await head(org), before, 'a refused form appended to the log');

  const id = await proposeCharter(
    alice,
    'Kitchen by two thirds',
    'decision.agreement.adopt',
    'supermajority:67',
    'kitchen',
  );
  assert.deepEqual((await getProposal(org, id)).data, {
    set: { 'decision.agreement.adopt@kitchen': 'supermajority:67' },
  });
  assert.match(
    await alice.locator('#text').innerText(),
    /decision\.agreement\.adopt@kitchen = supermajority:67/,
  );
  /* the author's amend form shows the circle chosen */
  assert.equal(await alice.locator('#amend #f-rule_circle').inputValue(), 'kitchen');
  assert.equal(await alice.locator('#amend #f-value').inputValue(), 'supermajority:67');
  assert.equal(await alice.locator('#amend #f-param').inputValue(), 'decision.agreement.adopt');
  assert.equal(await consentAll(org, id), 'adopted');

  await alice.goto('/charter');
  const rows = await alice.locator('#rules tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())),
  );
  assert.deepEqual(rows, [['decision.agreement.adopt', 'kitchen', 'supermajority:67', id]]);
  assert.equal(await alice.locator('#rules a').getAttribute('href'), `/proposals/${id}`);
  /* the plain parameter is untouched */
  const row = alice.locator('#charter tr', { hasText: 'decision.agreement.adopt' });
  assert.equal(await row.locator('.value').innerText(), 'majority');
  await assertAccessible(alice, 'the charter with a circle rule');
  assert.equal((await getCharter(org))['decision.agreement.adopt@kitchen'], 'supermajority:67');

  /* proposals take their circle's method */
  const k = await propose(org, 'bob', 'kitchen', 'agreement.adopt', 'Fridge day', { text: 'Fridays.' });
  const a = await propose(org, 'bob', 'all', 'agreement.adopt', 'Hall lights', { text: 'Off at 23:00.' });
  await alice.goto(`/proposals/${k}`);
  assert.equal(await decidedBy(alice), 'Decided by supermajority:67.');
  await alice.goto(`/proposals/${a}`);
  assert.equal(await decidedBy(alice), 'Decided by majority.');
  for (const x of [k, a]) await withdraw(org, x, 'bob');
});

test('a choice decided by Schulze from ranked ballots with a tie', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  await alice.goto('/proposals/new?kind=choice');
  await assertAccessible(alice, 'the choice form');
  /* blank lines and the spaces around an option do not count */
  const id = await proposeChoice(alice, 'A tree for the yard', 'Oak\nElm\n  Ash  \n\n');
  assert.deepEqual((await getProposal(org, id)).data, { options: ['Oak', 'Elm', 'Ash'] });
  assert.equal(await decidedBy(alice), 'Decided by schulze.');
  assert.deepEqual(await alice.locator('#options ol > li').allInnerTexts(), ['Oak', 'Elm', 'Ash']);
  const labels = await alice.locator('#ballot input.rank').evaluateAll((els) =>
    els.map((e) => [e.name, e.type, e.min, e.max, e.labels[0].textContent]),
  );
  assert.deepEqual(labels, [
    ['opt-1', 'number', '1', '3', '1. Oak'],
    ['opt-2', 'number', '1', '3', '2. Elm'],
    ['opt-3', 'number', '1', '3', '3. Ash'],
  ]);
  assert.equal(await alice.locator('#position').count(), 0, 'a position form on a choice');
  assert.equal(await alice.locator('#ballot h2').innerText(), 'Cast your ballot');
  await assertAccessible(alice, 'an open choice (author)');

  /* alice: Elm, then Ash, then Oak */
  await castRanks(alice, id, [3, 1, 2]);
  assert.match(await alice.locator('#positions').innerText(), /alice\s+ballot\s+2 > 3 > 1/);
  assert.equal(await alice.locator('#ballot h2').innerText(), 'Change your ballot');
  assert.deepEqual(
    await alice.locator('#ballot input.rank').evaluateAll((els) => els.map((e) => e.value)),
    ['3', '1', '2'],
  );
  assert.equal(await alice.locator('#options .badge').count(), 0, 'a winner before the close');

  /* bob's bad ranks are refused on the page and append nothing */
  const before = await head(org);
  await bob.goto(`/proposals/${id}`);
  await assertAccessible(bob, 'an open choice (member)');
  /* the browser itself does not send a rank above the number of options */
  await bob.locator('#opt-2').fill('9');
  assert.equal(await bob.locator('#opt-2').evaluate((e) => e.checkValidity()), false);
  /* sent anyway (as a page without the browser's checks would) */
  await bob.locator('#ballot form').evaluate((f) => {
    f.noValidate = true;
  });
  await bob.locator('#opt-1').fill('1');
  assert.equal(await postStatus(bob, 'Save ballot'), 400);
  await bob.getByRole('alert').first().waitFor();
  assert.match(
    await bob.locator('#form-error').innerText(),
    /option 2: write a number from 1 to 3, or leave it empty/,
  );
  assert.match(await bob.locator('#ranking-error').innerText(), /option 2: write a number from 1 to 3/);
  await assertAccessible(bob, 'a refused ballot');
  assert.deepEqual(await head(org), before, 'a refused ballot appended to the log');
  /* the refused ballot comes back with what was typed */
  assert.deepEqual(
    await bob.locator('#ballot input.rank').evaluateAll((els) => els.map((e) => e.value)),
    ['1', '9', ''],
  );

  /* "x": not a number at all */
  await bob.goto(`/proposals/${id}`);
  await bob.locator('#opt-1').evaluate((e) => {
    e.type = 'text';
  });
  await bob.locator('#opt-1').fill('x');
  assert.equal(await postStatus(bob, 'Save ballot'), 400);
  assert.match(
    await bob.locator('#form-error').innerText(),
    /option 1: write a number from 1 to 3, or leave it empty/,
  );
  assert.deepEqual(await head(org), before, 'a refused ballot appended to the log');
  const open = await getProposal(org, id);
  assert.equal(open.status, 'open');
  assert.deepEqual(open.positions.map((x) => x.member), ['alice']);

  /* bob: Elm and Ash tied first, then Oak */
  await castRanks(bob, id, [2, 1, 1]);
  assert.match(await bob.locator('#positions').innerText(), /bob\s+ballot\s+2 = 3 > 1/);
  /* carol: Oak, then Elm; Ash unranked. Her ballot closes the round */
  await castRanks(carol, id, [1, 2, '']);

  /* d[i][j], voters preferring i to j (unranked below ranked):
   *   Oak>Elm: carol = 1       Elm>Oak: alice, bob = 2
   *   Oak>Ash: carol = 1       Ash>Oak: alice, bob = 2
   *   Elm>Ash: alice, carol = 2 (bob ties them)   Ash>Elm: 0
   * Elm beats both, Ash beats Oak: Elm, Ash, Oak. */
  const p = await getProposal(org, id);
  assert.equal(p.status, 'decided');
  assert.equal(p.outcome, 'option 2 "Elm" wins (schulze, 3 ballot(s))');
  const r = await getResult(id);
  assert.equal(r.final, true);
  assert.equal(r.ballots, 3);
  assert.deepEqual(r.winners, [2]);
  assert.deepEqual(r.order, [2, 3, 1]);
  assert.deepEqual(r.pairwise, [
    [0, 1, 1],
    [2, 0, 2],
    [2, 0, 0],
  ]);
  await alice.goto('/proposals?status=decided');
  assert.deepEqual(await alice.locator('#proposals tbody tr td:first-child').allInnerTexts(), [id]);

  /* the result on the proposal page */
  for (const page of [carol, alice]) {
    const res = await page.goto(`/proposals/${id}`);
    assert.equal(res.status(), 200);
    await assertSchulzeResult(page);
  }
  await assertAccessible(alice, 'a decided Schulze choice');
});

/* The page of the decided "A tree for the yard": the winner, the order
 * and the pairwise counts worked out by hand above. */
async function assertSchulzeResult(page) {
  assert.equal(await page.locator('#status').innerText(), 'decided');
  assert.equal(await page.locator('#ballot').count(), 0, 'a ballot form after the close');
  assert.equal(
    await page.locator('.outcome').innerText(),
    'Outcome: option 2 "Elm" wins (schulze, 3 ballot(s))',
  );
  assert.deepEqual(
    await page
      .locator('#options > ol:first-of-type > li')
      .evaluateAll((lis) => lis.map((li) => li.querySelector('.badge')?.textContent ?? '')),
    ['', 'winner', ''],
  );
  assert.deepEqual(await page.locator('#order > li').allInnerTexts(), ['2. Elm', '3. Ash', '1. Oak']);
  assert.match(await page.locator('#options').innerText(), /\(3 ballots\)/);
  const cells = await page
    .locator('#pairwise tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert.deepEqual(cells, [
    ['over', '1', '2', '3'],
    ['1', '–', '1', '1'],
    ['2', '2', '–', '2'],
    ['3', '2', '0', '–'],
  ]);
  assert.match(await page.locator('#positions').innerText(), /carol\s+ballot\s+1 > 2/);
  /* the chart: Elm beats both head to head, Ash beats Oak, Oak none */
  const chart = page.getByRole('img', { name: 'Options each one beats head to head' });
  assert.equal(await chart.count(), 1);
  const legend = await page
    .locator('figure', { has: chart })
    .locator('.legend li')
    .allInnerTexts();
  assert.deepEqual(legend.slice(0, 3), ['option 2: 2', 'option 3: 1', 'option 1: 0']);
}

test('a ballot cast by keyboard alone', { timeout: 60_000 }, async () => {
  const { bob } = org.pages;
  const id = await propose(org, 'alice', 'all', 'choice', 'Colour of the door', {
    options: ['Red', 'Green', 'Blue'],
  });
  await bob.goto(`/proposals/${id}`);
  await tabTo(bob, 'opt-1');
  await bob.keyboard.type('2');
  assert.equal(await tab(bob, 'name'), 'opt-2');
  await bob.keyboard.type('1');
  assert.equal(await tab(bob, 'name'), 'opt-3');
  await enterOn(bob, 'Save ballot', id);
  assert.match(await bob.locator('#positions').innerText(), /bob\s+ballot\s+2 > 1/);
  const p = await getProposal(org, id);
  assert.deepEqual(p.positions.map((x) => x.member), ['bob']);
  /* the ballot as the API shows it: Green first, then Red, Blue unranked */
  assert.deepEqual(p.positions[0].ballot, { ranking: [[2], [1]] });
  assert.equal(p.status, 'open');
  await withdraw(org, id);
});

test('a choice decided by approval from ticked boxes', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  const cid = await proposeCharter(alice, 'Choices by approval', 'decision.choice', 'approval');
  assert.equal(await consentAll(org, cid), 'adopted');
  await alice.goto('/charter');
  const row = alice.locator('#charter tr', { has: alice.locator('code', { hasText: /^decision\.choice$/ }) });
  assert.equal(await row.locator('.value').innerText(), 'approval');

  const id = await proposeChoice(alice, 'Where we eat on Friday', 'Pizza\nNoodles\nSalad');
  assert.equal(await decidedBy(alice), 'Decided by approval.');
  const boxes = await alice.locator('#ballot input[type="checkbox"]').evaluateAll((els) =>
    els.map((e) => [e.name, e.value, e.labels[0].textContent.trim()]),
  );
  assert.deepEqual(boxes, [
    ['approve', '1', '1. Pizza'],
    ['approve', '2', '2. Noodles'],
    ['approve', '3', '3. Salad'],
  ]);
  assert.equal(await alice.locator('#ballot input[type="number"]').count(), 0);
  await assertAccessible(alice, 'an open approval choice');

  await castApproval(alice, id, [1, 3], 3);
  const shown = await alice.locator('#positions').innerText();
  assert.match(shown, /alice\s+ballot\s+approves 1, 3\s/);
  assert.deepEqual(
    await alice.locator('#ballot input[type="checkbox"]').evaluateAll((els) => els.map((e) => e.checked)),
    [true, false, true],
  );
  /* carol first ticks Noodles, then changes her mind */
  await castApproval(carol, id, [2], 3);
  await castApproval(carol, id, [1, 3], 3);
  const open = await getProposal(org, id);
  assert.equal(open.status, 'open');
  assert.equal(open.positions.length, 2);
  /* bob's ballot closes the round */
  await castApproval(bob, id, [3], 3);

  /* Salad 3, Pizza 2, Noodles 0 */
  await carol.goto(`/proposals/${id}`);
  assert.equal(await carol.locator('#status').innerText(), 'decided');
  assert.deepEqual(
    await carol
      .locator('#options > ol:first-of-type > li')
      .evaluateAll((lis) => lis.map((li) => li.querySelector('.badge')?.textContent ?? '')),
    ['', '', 'winner'],
  );
  assert.deepEqual(await carol.locator('#order > li').allInnerTexts(), [
    '3. Salad',
    '1. Pizza',
    '2. Noodles',
  ]);
  assert.equal(await carol.locator('#pairwise').count(), 0);
  const chart = carol.locator('#options figure.chart svg');
  assert.equal(await chart.count(), 1);
  assert.equal(await chart.locator(':scope > title').textContent(), 'Approvals per option');
  assert.deepEqual(await chart.locator('rect > title').allTextContents(), ['option 3: 3', 'option 1: 2']);
  assert.equal(
    await carol.locator('.outcome').innerText(),
    'Outcome: option 3 "Salad" wins (approval, 3 ballot(s))',
  );
  const r = await getResult(id);
  assert.deepEqual(r.winners, [3]);
  assert.deepEqual(r.totals, [2, 0, 3]);
  await assertAccessible(carol, 'a decided approval choice');
  assert.equal(await carol.getByRole('img', { name: 'Approvals per option' }).count(), 1);
});

test('objections name a criterion and collect suggestions until amended', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  const criteria = ['causes harm', 'moves us away from our purpose', 'we cannot safely try it'];
  /* the criteria go one per line: set through the API, since the form's
   * value field is one line */
  await alice.goto('/proposals/new?kind=charter.amend');
  await alice.getByLabel('Charter parameter').selectOption('objection.criteria');
  await alice.getByLabel('New value').fill(criteria.join('\n'));
  /* "New value" is a textarea: criteria go one per line */
  assert.equal(await alice.getByLabel('New value').inputValue(), criteria.join('\n'));
  const cid = await propose(org, 'alice', 'all', 'charter.amend', 'Grounds for objecting', {
    set: { 'objection.criteria': criteria.join('\n') },
  });
  assert.equal(await consentAll(org, cid), 'adopted');
  await alice.goto('/charter');
  const row = alice.locator('#charter tr', { hasText: 'objection.criteria' });
  for (const c of criteria) assert.match(await row.locator('.value').innerText(), new RegExp(c));

  /* circle.create is still decided by consent */
  const id = await propose(org, 'alice', 'all', 'circle.create', 'Night circle', {
    id: 'night',
    name: 'Night',
    purpose: 'Meets at midnight',
    members: ['alice', 'bob', 'carol'],
  });
  await bob.goto(`/proposals/${id}`);
  assert.equal(await decidedBy(bob), 'Decided by consent.');
  assert.deepEqual(await bob.locator('#f-criterion option').allInnerTexts(), ['(not objecting)', ...criteria]);
  assert.equal(await bob.getByLabel('Criterion').inputValue(), '');
  await assertAccessible(bob, 'a position form with criteria');

  /* an objection without a criterion is refused with the list */
  const before = await head(org);
  await bob.locator('#pos-object').check();
  await bob.getByLabel('Reason').fill('Midnight is too late for most of us');
  await bob.getByRole('button', { name: 'Save position' }).click();
  await bob.getByRole('alert').first().waitFor();
  const msg = await bob.locator('#form-error').innerText();
  assert.match(msg, /an objection names the criterion it rests on/);
  for (const c of criteria) assert.ok(msg.includes(`"${c}"`), msg);
  assert.match(await bob.locator('#criterion-error').innerText(), /criterion/);
  await assertAccessible(bob, 'a refused objection without a criterion');
  assert.deepEqual(await head(org), before, 'a refused objection appended to the log');

  /* with one */
  const reason = 'Midnight is too late for most of us';
  await givePosition(bob, id, 'object', { reason, criterion: 'moves us away from our purpose' });
  let p = await getProposal(org, id);
  assert.equal(p.objections.length, 1);
  assert.equal(p.objections[0].criterion, 'moves us away from our purpose');
  await bob.goto(`/proposals/${id}`);
  const item = bob.locator('#objections > li').first();
  assert.match(await item.innerText(), /bob, round 1: standing/);
  assert.match(await item.innerText(), /Criterion: moves us away from our purpose/);
  assert.equal(await item.locator('p.reason').innerText(), reason);
  assert.equal(await bob.getByLabel('Criterion').inputValue(), 'moves us away from our purpose');
  /* the objector may suggest too */
  assert.equal(await item.getByRole('button', { name: 'Record suggestion' }).count(), 1);
  await assertAccessible(bob, 'a standing objection (objector)');

  /* a member who is neither the author nor the objector sees no form */
  await carol.goto(`/proposals/${id}`);
  assert.equal(await carol.locator('#objections > li').count(), 1);
  assert.equal(await carol.getByRole('button', { name: 'Record suggestion' }).count(), 0);
  assert.equal(await carol.locator('textarea[name="suggestion"]').count(), 0);
  await assertAccessible(carol, 'a standing objection (other member)');

  /* the author records a suggestion */
  const suggestion = 'Meet at nine in the evening instead';
  await alice.goto(`/proposals/${id}`);
  await assertAccessible(alice, 'a standing objection (author)');
  const form = alice.locator('#objections > li').first();
  await form.getByLabel('Suggest an amendment').fill(suggestion);
  await form.getByRole('button', { name: 'Record suggestion' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.equal(
    await alice.locator('#objections > li').first().locator('p.attempt').innerText(),
    `Suggested by alice: ${suggestion}`,
  );
  const afterSuggest = await head(org);
  assert.equal(afterSuggest.seq, before.seq + 2);
  p = await getProposal(org, id);
  assert.deepEqual(
    p.objections[0].attempts.map((a) => [a.by, a.suggestion]),
    [['alice', suggestion]],
  );
  await carol.goto(`/proposals/${id}`);
  assert.match(await carol.locator('#objections').innerText(), new RegExp(`Suggested by alice: ${suggestion}`));
  await carol.goto('/log');
  assert.match(await carol.locator('ol.log > li').first().innerText(), /objection\.integration by alice/);

  /* a member who may not suggest is refused by the server too */
  const csrf = await csrfOf(carol);
  const forged = await postForm(
    org,
    carol,
    `/proposals/${id}/integrations`,
    `csrf=${csrf}&objector=bob&suggestion=mine`,
  );
  assert.ok(forged.status >= 400 && forged.status < 500, `forged suggestion: ${forged.status}`);
  assert.deepEqual(await head(org), afterSuggest);

  /* carol objects too: each objector suggests under their own, the
   * author under both */
  await givePosition(carol, id, 'object', { reason: 'Nobody can get home', criterion: 'causes harm' });
  const formsUnder = (page) =>
    page
      .locator('#objections > li')
      .evaluateAll((lis) => lis.map((li) => li.querySelectorAll('textarea[name="suggestion"]').length));
  await carol.goto(`/proposals/${id}`);
  assert.deepEqual(await formsUnder(carol), [0, 1]);
  await bob.goto(`/proposals/${id}`);
  assert.deepEqual(await formsUnder(bob), [1, 0]);
  await alice.goto(`/proposals/${id}`);
  assert.deepEqual(await formsUnder(alice), [1, 1]);
  await assertAccessible(alice, 'two standing objections (author)');
  assert.equal(await alice.locator('#objections > li').nth(1).getByLabel('Suggest an amendment').count(), 1);
  const second = alice.locator('#objections > li').nth(1);
  assert.match(await second.innerText(), /carol, round 1: standing/);
  assert.match(await second.innerText(), /Criterion: causes harm/);
  /* carol withdraws hers by consenting */
  await givePosition(carol, id, 'consent');
  assert.match(await carol.locator('#objections > li').nth(1).innerText(), /carol, round 1: withdrawn/);
  assert.deepEqual(await formsUnder(carol), [0, 0]);
  assert.equal((await getProposal(org, id)).status, 'open');

  /* the author amends: the standing objection is answered */
  await alice.goto(`/proposals/${id}`);
  await alice.locator('#amend').getByLabel('Purpose').fill('Meets at nine in the evening');
  await alice.getByRole('button', { name: 'Amend proposal' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  for (const page of [alice, bob]) {
    await page.goto(`/proposals/${id}`);
    assert.match(await page.locator('#objections > li').nth(1).innerText(), /carol, round 1: withdrawn/);
    const o = page.locator('#objections > li').first();
    assert.match(await o.innerText(), /bob, round 1: amended \(answered by version 2\)/);
    assert.match(await o.innerText(), /Criterion: moves us away from our purpose/);
    assert.equal(await o.locator('p.reason').innerText(), reason);
    assert.equal(await o.locator('p.attempt').innerText(), `Suggested by alice: ${suggestion}`);
    assert.equal(await page.getByRole('button', { name: 'Record suggestion' }).count(), 0);
    assert.match(await page.locator('.meta').first().innerText(), /round 2, version 2/);
  }
  await assertAccessible(bob, 'an amended objection');
  p = await getProposal(org, id);
  assert.deepEqual(
    p.objections.map((o) => [o.member, o.status, o.criterion]),
    [
      ['bob', 'amended', 'moves us away from our purpose'],
      ['carol', 'withdrawn', 'causes harm'],
    ],
  );

  /* the new round is free of it */
  assert.equal(await consentAll(org, id), 'adopted');
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
