// SPDX-License-Identifier: AGPL-3.0-or-later
// Ballots collected elsewhere (docs/decisions.md#import) in the web UI: a
// choice.import proposal made from a PrefLib file's text in the new
// proposal form, a file that does not parse refused naming its line, the
// proposal page with its options and the #import paragraph, the circle's
// consent counting the imported ballots (winner, order and pairwise
// counts worked out by hand below), an objection that leaves it needing
// integration, and the author's Amend form giving the file back as
// PrefLib text and opening round 2 with a corrected one. Every new page
// state is checked for one h1, labelled controls and unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  apiGet, assertAccessible, assertFieldError, csrfOf, getProposal, givePosition, head, idOf,
  MEMBERS, postForm, postStatus, propose, setupOrg, unexpected, withdraw,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

const TREES = ['Oak', 'Elm', 'Ash'];

/* A PrefLib file: the NUMBER ALTERNATIVES line, the header lines given,
 * an ALTERNATIVE NAME line per name, then the ballot lines as written. */
function preflib(names, lines, header = []) {
  return [
    `# NUMBER ALTERNATIVES: ${names.length}`,
    ...header,
    ...names.map((n, i) => `# ALTERNATIVE NAME ${i + 1}: ${n}`),
    ...lines,
    '',
  ].join('\n');
}

/* The lines of a PrefLib text that carry its content: the alternatives'
 * names and the ballots. */
function contentLines(text) {
  return text.split('\n').filter((l) => /^# ALTERNATIVE NAME \d+:/.test(l) || /^\d+:/.test(l));
}

/* The import form filled in, not yet sent. */
async function fillImport(page, title, text, source) {
  await page.goto('/proposals/new?kind=choice.import');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Ballots (PrefLib)').fill(text);
  await page.getByLabel('Where they come from').fill(source);
}

/* A choice.import opened in the new proposal form; resolves its id. */
async function proposeImport(page, title, text, source) {
  await fillImport(page, title, text, source);
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

/* The author's Amend form's PrefLib textarea. */
function amendText(page) {
  return page.locator('#amend').getByLabel('Ballots (PrefLib)');
}

/* "winner" for each option that has the badge, '' for the others. */
async function badges(page) {
  return page
    .locator('#options > ol:first-of-type > li')
    .evaluateAll((lis) => lis.map((li) => li.querySelector('.badge')?.textContent ?? ''));
}

async function pairwiseCells(page) {
  return page
    .locator('#pairwise tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
}

/* The #import paragraph as it reads for voters, kinds and source. */
function importLine(voters, kinds, source) {
  return (
    `Ballots collected elsewhere: ${voters} voters, ${kinds} kinds of ballot, from: ${source}. ` +
    'The circle decides whether to accept them; once accepted they are counted as above.'
  );
}

/* An open import as everyone sees it: its options without a winner, the
 * #import paragraph, decided by consent, a position form and no ballot. */
async function assertOpenImport(page, id, { options, voters, kinds, source, round }) {
  await page.goto(`/proposals/${id}`);
  assert.equal(await page.locator('#status').innerText(), 'open');
  assert.match(
    await page.locator('.meta').innerText(),
    new RegExp(`choice\\.import in circle all by alice · round ${round}, version ${round}`),
  );
  assert.deepEqual(await page.locator('#options > ol > li').allInnerTexts(), options);
  assert.equal(await page.locator('#options .badge').count(), 0, 'a winner before the close');
  assert.equal(await page.locator('#order').count(), 0, 'an order before the close');
  assert.equal(await page.locator('#pairwise').count(), 0, 'pairwise counts before the close');
  assert.equal(await page.locator('#import').innerText(), importLine(voters, kinds, source));
  assert.equal(
    await page.locator('p', { hasText: /^Decided by / }).innerText(),
    'Decided by consent.',
  );
  /* members consent to the import: no ballot of their own */
  assert.equal(await page.locator('#ballot').count(), 0, 'a ballot form on an import');
  assert.equal(await page.locator('#position').count(), 1, 'no position form on an import');
  const radios = await page
    .locator('#position input[name="position"]')
    .evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(radios, ['consent', 'concern', 'object', 'stand_aside']);
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('files that do not parse are refused naming the line, a good one is accepted by consent', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  await alice.goto('/proposals/new?kind=choice.import');
  await assertAccessible(alice, 'the choice.import form');
  assert.equal(await alice.getByLabel('Kind of proposal').inputValue(), 'choice.import');
  assert.equal(await alice.getByLabel('Ballots (PrefLib)').evaluate((e) => e.tagName), 'TEXTAREA');
  assert.equal(await alice.getByLabel('Where they come from').getAttribute('type'), 'text');
  assert.equal(await alice.getByLabel('Circle that decides').inputValue(), 'all');

  /* each broken file is refused with its line, keeps what was typed and
   * appends nothing */
  const title = 'Trees: the spring meeting';
  const source = 'paper ballots of the spring meeting, counted by <b>Carol</b> & Bob';
  const broken = [
    [
      preflib(TREES, ['4: 1,2,3', '3: {2,3},1', '2: 3,1,9']),
      /the ballots: line 7: alternative 9 is not in 1\.\.3/,
    ],
    [
      preflib(TREES, ['4: 1,2,3', '3: {2,3,1', '2: 3,1,2']),
      /the ballots: line 6: "\{" is not closed/,
    ],
    [
      preflib(TREES, ['4: 1,2,3', '3: 1,2,1']),
      /the ballots: line 6: alternative 1 appears twice/,
    ],
    [
      preflib(TREES, ['4: 1,2,3', '3: {2,3},1'], ['# DATA TYPE: soc']),
      /the ballots: line 7: a tie in braces, which a soc file does not allow/,
    ],
    [
      preflib(['Oak', 'Elm', 'Oak'], ['4: 1,2,3']),
      /the ballots: line 4: alternatives 1 and 3 have the same name "Oak"/,
    ],
  ];
  const before = await head(org);
  for (const [text, message] of broken) {
    await fillImport(alice, title, text, source);
    assert.equal(await postStatus(alice, 'Propose'), 400);
    await alice.getByRole('alert').first().waitFor();
    await assertFieldError(alice, 'preflib', message);
    assert.match(await alice.locator('#form-error').innerText(), message);
    assert.equal(await alice.getByLabel('Ballots (PrefLib)').inputValue(), text);
    assert.equal(await alice.getByLabel('Where they come from').inputValue(), source);
    assert.equal(await alice.getByLabel('Title').inputValue(), title);
    assert.equal(await alice.getByLabel('Ballots (PrefLib)').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await head(org), before, `a refused file appended to the log: ${message}`);
  }
  await assertAccessible(alice, 'a refused choice.import form');

  /* the file, fixed on the refused form:
   *   4 voters: Oak > Elm > Ash
   *   3 voters: Elm = Ash > Oak
   *   2 voters: Ash > Oak > Elm */
  const good = preflib(TREES, ['4: 1,2,3', '3: {2,3},1', '2: 3,1,2']);
  await alice.getByLabel('Ballots (PrefLib)').fill(good);
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.waitForURL(/\/proposals\/p\d+$/);
  const id = idOf(alice);
  assert.equal((await head(org)).seq, before.seq + 1);
  const p = await getProposal(org, id);
  assert.equal(p.kind, 'choice.import');
  assert.equal(p.method, 'consent');
  assert.deepEqual(p.data, {
    options: TREES,
    ballots: [
      { count: 4, ranking: [[1], [2], [3]] },
      { count: 3, ranking: [[2, 3], [1]] },
      { count: 2, ranking: [[3], [1], [2]] },
    ],
    source,
  });

  const shape = { options: TREES, voters: 9, kinds: 3, source, round: 1 };
  await assertOpenImport(alice, id, shape);
  /* the source is text, not markup */
  assert.equal(await alice.locator('#import b').count(), 0);
  await assertAccessible(alice, 'an open import (author)');
  await assertOpenImport(bob, id, shape);
  assert.equal(await bob.locator('#amend').count(), 0, 'an Amend form for a member who is not the author');
  await assertAccessible(bob, 'an open import (member)');

  /* the circle consents through the form */
  await givePosition(alice, id, 'consent');
  await givePosition(bob, id, 'consent');
  assert.equal((await getProposal(org, id)).status, 'open');
  await assertAccessible(bob, 'an import with two consents');
  await givePosition(carol, id, 'consent');

  /* d[i][j], voters preferring i to j:
   *   Oak>Elm: 4 + 2 = 6     Elm>Oak: 3
   *   Oak>Ash: 4             Ash>Oak: 3 + 2 = 5
   *   Elm>Ash: 4             Ash>Elm: 2 (the 3 tie them)
   * A cycle: Oak beats Elm, Elm beats Ash, Ash beats Oak. Strongest paths
   * by winning votes: Oak->Elm 6, Oak->Ash 4 (via Elm), Elm->Ash 4,
   * Elm->Oak 4 (via Ash), Ash->Oak 5, Ash->Elm 5 (via Oak). Ash beats Oak
   * (5 > 4) and Elm (5 > 4), Oak beats Elm (6 > 4): Ash, Oak, Elm. (By
   * margins Oak would win: the count is schulze, winning votes.) */
  const outcome =
    'the imported ballots are accepted (no objection; 3 of 3 responded): option 3 "Ash" wins (schulze)';
  for (const page of [carol, alice]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'adopted');
    assert.equal(await page.locator('.outcome').innerText(), `Outcome: ${outcome}`);
    assert.deepEqual(await badges(page), ['', '', 'winner']);
    assert.deepEqual(await page.locator('#order > li').allInnerTexts(), ['3. Ash', '1. Oak', '2. Elm']);
    assert.match(await page.locator('#options').innerText(), /first place first \(9 ballots\)/);
    assert.deepEqual(await pairwiseCells(page), [
      ['over', '1', '2', '3'],
      ['1', '–', '6', '4'],
      ['2', '3', '–', '4'],
      ['3', '5', '2', '–'],
    ]);
    assert.equal(await page.locator('#import').innerText(), importLine(9, 3, source));
    assert.equal(await page.locator('#position').count(), 0, 'a position form after the close');
    assert.equal(await page.locator('#amend').count(), 0, 'an Amend form after the close');
    assert.match(await page.locator('#positions').innerText(), /carol\s+consent/);
  }
  await assertAccessible(alice, 'an adopted import');

  const done = await getProposal(org, id);
  assert.equal(done.status, 'adopted');
  assert.equal(done.outcome, outcome);
  const r = await apiGet(org, `/api/v1/proposals/${id}/result`);
  assert.equal(r.final, true);
  assert.equal(r.method, 'schulze');
  assert.equal(r.ballots, 9);
  assert.deepEqual(r.winners, [3]);
  assert.deepEqual(r.order, [3, 1, 2]);
  assert.deepEqual(r.pairwise, [
    [0, 6, 4],
    [3, 0, 4],
    [5, 2, 0],
  ]);
  assert.deepEqual(r.strongest, [
    [0, 6, 4],
    [4, 0, 4],
    [5, 5, 0],
  ]);
});

test('an objection leaves an import needing integration; a corrected file opens round 2', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  const source = 'show of hands at the autumn meeting, written down by Bob';
  /* the header lines the form does not keep (data type and totals) are
   * checked on the way in and dropped */
  const file = preflib(
    TREES,
    ['4: 1,2,3', '3: {2,3},1', '2: 3,1,2'],
    ['# DATA TYPE: toc', '# NUMBER VOTERS: 9', '# NUMBER UNIQUE ORDERS: 3'],
  );
  const id = await proposeImport(alice, 'Trees: the autumn meeting', file, source);
  await assertOpenImport(alice, id, { options: TREES, voters: 9, kinds: 3, source, round: 1 });

  /* bob objects through the form; the round is still open */
  const reason = 'Only 7 of us were there: the Elm = Ash pile held 1 ballot, not 3';
  await givePosition(bob, id, 'object', { reason });
  assert.equal((await getProposal(org, id)).status, 'open');
  assert.match(await bob.locator('#objections > li').first().innerText(), /bob, round 1: standing/);
  await assertAccessible(bob, 'an open import with an objection (objector)');

  /* the author's Amend form gives the file back as PrefLib text: the
   * same alternatives and ballot lines */
  await alice.goto(`/proposals/${id}`);
  const shown = await amendText(alice).inputValue();
  assert.deepEqual(contentLines(shown), contentLines(file));
  assert.deepEqual(contentLines(shown), [
    '# ALTERNATIVE NAME 1: Oak',
    '# ALTERNATIVE NAME 2: Elm',
    '# ALTERNATIVE NAME 3: Ash',
    '4: 1,2,3',
    '3: {2,3},1',
    '2: 3,1,2',
  ]);
  assert.match(shown, /^# NUMBER ALTERNATIVES: 3\n/);
  assert.equal(await alice.locator('#amend').getByLabel('Where they come from').inputValue(), source);
  assert.equal(await alice.locator('#amend').getByLabel('Title').inputValue(), 'Trees: the autumn meeting');
  await assertAccessible(alice, 'an open import with an objection (author)');

  /* the others consent: the objection stands when the round closes */
  await givePosition(alice, id, 'consent');
  await givePosition(carol, id, 'consent');
  let p = await getProposal(org, id);
  assert.equal(p.status, 'needs_integration');
  assert.equal(p.outcome, '1 objection(s) stand');
  assert.deepEqual(p.objections.map((o) => [o.member, o.status, o.reason]), [['bob', 'standing', reason]]);
  for (const page of [alice, bob]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'needs_integration');
    assert.equal(await page.locator('.outcome').innerText(), 'Outcome: 1 objection(s) stand');
    assert.equal(await page.locator('#position').count(), 0, 'a position form after the round');
    assert.equal(await page.locator('#options .badge').count(), 0, 'a winner of a refused import');
    assert.equal(await page.locator('#order').count(), 0, 'an order of a refused import');
    assert.equal(await page.locator('#import').innerText(), importLine(9, 3, source));
    const o = page.locator('#objections > li').first();
    assert.match(await o.innerText(), /bob, round 1: standing/);
    assert.equal(await o.locator('p.reason').innerText(), reason);
  }
  await assertAccessible(bob, 'an import needing integration (objector)');
  await alice.goto(`/proposals/${id}`);
  await assertAccessible(alice, 'an import needing integration (author)');

  /* docs/consent.md: the author may amend or withdraw while the proposal
   * is open or needs integration */
  assert.equal(await alice.locator('#amend').count(), 1, 'no Amend form under needs_integration');
  assert.equal(await alice.locator('#withdraw').count(), 1, 'no Withdraw form under needs_integration');
  /* the corrected file goes as the Amend form sends it: the text the form
   * gave back above, with the one count corrected */
  const corrected = shown.replace('\n3: {2,3},1\n', '\n1: {2,3},1\n');
  assert.notEqual(corrected, shown);
  const before = await head(org);
  const res = await postForm(
    org,
    alice,
    `/proposals/${id}/amend`,
    new URLSearchParams({
      csrf: await csrfOf(alice),
      title: 'Trees: the autumn meeting',
      preflib: corrected,
      source,
    }).toString(),
  );
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/proposals/${id}`);
  assert.equal((await head(org)).seq, before.seq + 1);

  /* round 2: positions cleared, the objection answered, the new counts */
  await assertOpenImport(bob, id, { options: TREES, voters: 7, kinds: 3, source, round: 2 });
  assert.equal(await bob.locator('#positions').count(), 0, 'positions carried into round 2');
  assert.match(
    await bob.locator('#objections > li').first().innerText(),
    /bob, round 1: amended \(answered by version 2\)/,
  );
  await assertAccessible(bob, 'an amended import in round 2 (member)');
  await alice.goto(`/proposals/${id}`);
  assert.deepEqual(contentLines(await amendText(alice).inputValue()), contentLines(corrected));
  assert.equal(await alice.locator('.versions > li').count(), 2);
  /* the changes show the data, one member a line */
  const changes = alice.locator('.versions > li').nth(1).locator('details');
  assert.match(await changes.textContent(), /"count":1,"ranking":\[\[2,3\],\[1\]\]/);
  await assertAccessible(alice, 'an amended import in round 2 (author)');
  p = await getProposal(org, id);
  assert.equal(p.round, 2);
  assert.equal(p.version, 2);
  assert.deepEqual(p.data.ballots[1], { count: 1, ranking: [[2, 3], [1]] });
  assert.deepEqual(p.positions, []);

  /* everyone consents to the corrected file:
   *   Oak>Elm: 4 + 2 = 6   Elm>Oak: 1
   *   Oak>Ash: 4           Ash>Oak: 1 + 2 = 3
   *   Elm>Ash: 4           Ash>Elm: 2
   * Oak beats both, Elm beats Ash: Oak, Elm, Ash. */
  for (const who of MEMBERS) await givePosition(org.pages[who], id, 'consent');
  await carol.goto(`/proposals/${id}`);
  assert.equal(await carol.locator('#status').innerText(), 'adopted');
  assert.equal(
    await carol.locator('.outcome').innerText(),
    'Outcome: the imported ballots are accepted (no objection; 3 of 3 responded): ' +
      'option 1 "Oak" wins (schulze)',
  );
  assert.deepEqual(await badges(carol), ['winner', '', '']);
  assert.deepEqual(await carol.locator('#order > li').allInnerTexts(), ['1. Oak', '2. Elm', '3. Ash']);
  assert.match(await carol.locator('#options').innerText(), /first place first \(7 ballots\)/);
  assert.deepEqual(await pairwiseCells(carol), [
    ['over', '1', '2', '3'],
    ['1', '–', '6', '4'],
    ['2', '1', '–', '4'],
    ['3', '3', '2', '–'],
  ]);
  assert.match(await carol.locator('.meta').innerText(), /round 2, version 2/);
  await assertAccessible(carol, 'an import adopted in round 2');
  const r = await apiGet(org, `/api/v1/proposals/${id}/result`);
  assert.equal(r.round, 2);
  assert.equal(r.ballots, 7);
  assert.deepEqual(r.winners, [1]);
  assert.deepEqual(r.order, [1, 2, 3]);
});

test("the Amend form: an import's data as PrefLib text, a broken file refused, a fixed one amended", { timeout: 120_000 }, async () => {
  const { alice } = org.pages;
  /* made through the API: the form writes the data back as a file */
  const options = ['Tea', 'Coffee <strong>&</strong> milk', 'Water'];
  const id = await propose(org, 'alice', 'all', 'choice.import', 'Drinks for the fair', {
    options,
    ballots: [
      { count: 2, ranking: [[2], [1]] },
      { count: 1, ranking: [[1, 3]] },
    ],
    source: 'a poll on the notice board',
  });
  await alice.goto(`/proposals/${id}`);
  /* names are text on the page and in the textarea */
  assert.deepEqual(await alice.locator('#options > ol > li').allInnerTexts(), options);
  assert.equal(await alice.locator('#options strong').count(), 0);
  const text = [
    '# NUMBER ALTERNATIVES: 3',
    '# ALTERNATIVE NAME 1: Tea',
    '# ALTERNATIVE NAME 2: Coffee <strong>&</strong> milk',
    '# ALTERNATIVE NAME 3: Water',
    '2: 2,1',
    '1: {1,3}',
    '',
  ].join('\n');
  assert.equal(await amendText(alice).inputValue(), text);
  assert.equal(await alice.locator('#import').innerText(), importLine(3, 2, 'a poll on the notice board'));

  /* a line that does not parse is refused next to the textarea */
  const before = await head(org);
  const broken = `${text}3: 3,\n`;
  await amendText(alice).fill(broken);
  assert.equal(await postStatus(alice, 'Amend proposal'), 400);
  await alice.getByRole('alert').first().waitFor();
  await assertFieldError(
    alice,
    'preflib',
    /the ballots: line 7: expected an alternative number, found the end of the line/,
  );
  assert.equal(await amendText(alice).inputValue(), broken);
  assert.equal(await alice.locator('#status').innerText(), 'open');
  await assertAccessible(alice, 'a refused amendment of an import');
  assert.deepEqual(await head(org), before, 'a refused amendment appended to the log');

  /* fixed: three more voters who wanted Water alone */
  await amendText(alice).fill(`${text}3: 3\n`);
  await alice.getByRole('button', { name: 'Amend proposal' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.match(await alice.locator('.meta').innerText(), /round 2, version 2/);
  assert.equal(await alice.locator('#import').innerText(), importLine(6, 3, 'a poll on the notice board'));
  assert.equal(await amendText(alice).inputValue(), `${text}3: 3\n`);
  await assertAccessible(alice, 'an import amended through the form');
  const p = await getProposal(org, id);
  assert.equal(p.round, 2);
  assert.deepEqual(p.data.ballots, [
    { count: 2, ranking: [[2], [1]] },
    { count: 1, ranking: [[1, 3]] },
    { count: 3, ranking: [[3]] },
  ]);
  assert.deepEqual(p.data.options, options);
  await withdraw(org, id);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
