// SPDX-License-Identifier: AGPL-3.0-or-later
// Roles and sociocratic elections in the web UI: a role.create proposal
// made in the new proposal form (its refused fields shown next to
// themselves), the /roles page, an election through its three phases
// (nominations with reasons, counted in the participation chart; the
// change round; the consent round on the most nominated member, with the
// counts it came from) with every member in their own browser, an
// objection in the consent round answered by the author naming another
// candidate in the amend form, the refusals of a nomination (no reason, a
// nominee over the charter's role.max_concurrent), a nomination by
// keyboard alone, and one h1, labelled controls and unique ids on every
// new page state. Filling a role by lot: draw.test.mjs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allEvents, api, apiGet, assertAccessible, assertFieldError, consentAll, createRole, enterOn,
  focused, getCharter, getProposal, givePosition, head, idOf, MEMBERS, optionsOf, phaseLine,
  positionRows, postStatus, propose, proposeCharter, proposeForRole, setupOrg, shownTime, tab,
  tabTo, unexpected, withdraw,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

async function getRole(id) {
  return apiGet(org, `/api/v1/roles/${id}`);
}

/* A nomination through the API. */
async function nominateApi(who, id, nominee, reason) {
  await api(org.server, 'POST', `/api/v1/proposals/${id}/nominations`, {
    token: org.members[who].token,
    body: { nominee, reason },
    want: 200,
  });
}

/* The data of a role.create, its purpose and accountability made from
 * its name. */
function roleData(id, name, termDays) {
  const work = `${name.toLowerCase()} work`;
  return {
    id,
    name,
    purpose: `Someone does the ${work}`,
    accountabilities: [`Doing the ${work}`],
    term_days: termDays,
  };
}

/* A role made and filled through the API: created in "all" by everyone's
 * consent, then elected with every nomination on holder. */
async function roleHeldBy(id, name, holder) {
  await createRole(org, roleData(id, name, 90));
  const e = await propose(org, 'alice', 'all', 'role.elect', `Elect a ${name}`, { role: id });
  for (const who of MEMBERS) await nominateApi(who, e, holder, 'Has the time');
  for (const who of MEMBERS) await nominateApi(who, e, holder, 'Still has the time');
  const p = await getProposal(org, e);
  assert.equal(p.phase, 'consent');
  assert.equal(p.candidate, holder);
  assert.equal(await consentAll(org, e), 'adopted');
  assert.equal((await getRole(id)).holder, holder);
}

/* The nomination form of the election on page. */
function nominationForm(page) {
  return page.locator('#nominate');
}

/* A nomination given in the election page's form. */
async function nominate(page, id, nominee, reason) {
  await page.goto(`/proposals/${id}`);
  const form = nominationForm(page);
  await form.getByLabel('Member', { exact: true }).selectOption(nominee);
  await form.getByLabel('Reason').fill(reason);
  await form.getByRole('button', { name: 'Save nomination' }).click();
  await page.waitForURL((u) => u.pathname === `/proposals/${id}`);
}

/* The rows positionRows shows for nominations { member: [nominee,
 * reason] }. */
function nominationRows(nominations) {
  return Object.entries(nominations).map(([who, [nominee, reason]]) => [
    who,
    'nomination',
    `${reason} (nominates ${nominee})`,
  ]);
}

/* The proposal.closed event of proposal id in the log. */
async function closedEvent(id) {
  const closed = (await allEvents(org)).filter(
    (e) => e.type === 'proposal.closed' && e.data.proposal === id,
  );
  assert.equal(closed.length, 1, `proposal.closed events of ${id}`);
  return closed[0];
}

/* Clicks the submit button of form (a <form> locator) that the browser
 * would not send as it is (a required field left empty): sent anyway, as
 * a page without the browser's checks would. Resolves the answer's
 * status. */
async function submitUnchecked(page, form, button) {
  await form.evaluate((f) => {
    f.noValidate = true;
  });
  const status = await postStatus(page, form.getByRole('button', { name: button }));
  await page.getByRole('alert').first().waitFor();
  return status;
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

const FACILITATOR = {
  id: 'facilitator',
  name: 'Facilitator',
  purpose: 'Meetings that end on time with every voice heard',
  accountabilities: ['Preparing the agenda', 'Keeping time in meetings', 'Inviting everyone to speak'],
  domain: 'The order of the agenda',
  term_days: 180,
};

test('a role created through the form, refused fields shown, then on /roles', { timeout: 120_000 }, async () => {
  const { alice, bob } = org.pages;

  /* no roles yet, and the nav leads there */
  await bob.goto('/');
  await bob.getByRole('link', { name: 'Roles', exact: true }).click();
  await bob.waitForURL((u) => u.pathname === '/roles');
  assert.equal(await bob.locator('h1').innerText(), 'Roles');
  assert.match(await bob.locator('main').innerText(), /No roles yet/);
  await assertAccessible(bob, 'the empty /roles');

  /* the form and its fields */
  await alice.goto('/proposals/new');
  await alice.getByLabel('Kind of proposal').selectOption('role.create');
  await alice.getByRole('button', { name: 'Choose' }).click();
  await alice.waitForURL((u) => u.search === '?kind=role.create');
  await assertAccessible(alice, 'the role.create form');
  assert.equal(await alice.getByLabel('Accountabilities').evaluate((e) => e.tagName), 'TEXTAREA');
  assert.equal(await alice.getByLabel('Term (days)').getAttribute('type'), 'number');

  const before = await head(org);
  const fill = async (f) => {
    await alice.goto('/proposals/new?kind=role.create');
    await alice.getByLabel('Title').fill('A facilitator');
    await alice.getByLabel('Role id').fill(f.id);
    await alice.getByLabel('Name', { exact: true }).fill(f.name);
    await alice.getByLabel('Purpose').fill(f.purpose);
    await alice.getByLabel('Accountabilities').fill(f.accountabilities);
    await alice.getByLabel('Domain').fill(f.domain);
    await alice.getByLabel('Term (days)').fill(f.term_days);
  };
  /* a blank line between two accountabilities, and spaces around one */
  const [acc1, acc2, acc3] = FACILITATOR.accountabilities;
  const accText = `${acc1}\n\n  ${acc2}  \n${acc3}\n`;
  const good = {
    id: FACILITATOR.id,
    name: FACILITATOR.name,
    purpose: FACILITATOR.purpose,
    accountabilities: accText,
    domain: FACILITATOR.domain,
    term_days: String(FACILITATOR.term_days),
  };

  /* a term of 0 days: refused next to the term field, the form kept */
  await fill({ ...good, term_days: '0' });
  assert.equal(await postStatus(alice, 'Propose'), 400);
  await alice.getByRole('alert').first().waitFor();
  await assertFieldError(alice, 'term_days', /term_days must be a number of days 1\.\.3650/);
  assert.equal(await alice.locator('#f-term_days').getAttribute('aria-invalid'), 'true');
  assert.equal(await alice.getByLabel('Term (days)').inputValue(), '0');
  assert.equal(await alice.getByLabel('Role id').inputValue(), FACILITATOR.id);
  assert.equal(await alice.getByLabel('Title').inputValue(), 'A facilitator');
  assert.equal(await alice.getByLabel('Domain').inputValue(), FACILITATOR.domain);
  assert.equal(
    (await alice.getByLabel('Accountabilities').inputValue()).replace(/\r\n/g, '\n'),
    accText,
  );
  await assertAccessible(alice, 'a refused role.create form (term)');

  /* a term that is not a number: the browser does not send it */
  await fill({ ...good, term_days: '' });
  await alice.getByLabel('Term (days)').pressSequentially('many');
  assert.equal(await alice.getByLabel('Term (days)').inputValue(), '');

  /* no name: the browser asks for it; sent anyway, refused next to it */
  await fill({ ...good, name: '' });
  assert.equal(
    await alice.getByLabel('Name', { exact: true }).evaluate((e) => e.checkValidity()),
    false,
  );
  const form = alice.locator('form', { has: alice.getByRole('button', { name: 'Propose' }) });
  assert.equal(await submitUnchecked(alice, form, 'Propose'), 400);
  await assertFieldError(alice, 'name', /\/data\/name/);
  assert.equal(await alice.getByLabel('Purpose').inputValue(), FACILITATOR.purpose);
  await assertAccessible(alice, 'a refused role.create form (name)');

  /* a name of spaces passes the browser, not the server */
  await fill({ ...good, name: '   ' });
  assert.equal(await postStatus(alice, 'Propose'), 400);
  await alice.getByRole('alert').first().waitFor();
  await assertFieldError(alice, 'name', /\/data\/name must not be blank/);

  assert.deepEqual(await head(org), before, 'a refused role.create appended to the log');

  /* as it should be: the blank line is dropped, the spaces trimmed */
  await fill(good);
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.waitForURL(/\/proposals\/p\d+$/);
  const id = idOf(alice);
  const p = await getProposal(org, id);
  assert.equal(p.kind, 'role.create');
  assert.equal(p.circle, 'all');
  assert.deepEqual(p.data, FACILITATOR);
  assert.equal((await head(org)).seq, before.seq + 1);
  assert.match(await alice.locator('#text').innerText(), /Preparing the agenda/);
  await assertAccessible(alice, 'an open role.create (author)');

  /* everyone consents in their own browser */
  for (const who of MEMBERS) await givePosition(org.pages[who], id, 'consent');
  await alice.goto(`/proposals/${id}`);
  assert.equal(await alice.locator('#status').innerText(), 'adopted');
  assert.equal(await alice.locator('#position').count(), 0);

  /* /roles: vacant, with its purpose, accountabilities and domain */
  await bob.goto('/roles');
  const card = bob.locator('#role-facilitator');
  assert.equal(await card.count(), 1);
  assert.equal(await card.locator('h2').innerText(), 'Facilitator (facilitator, circle all)');
  assert.equal(await card.locator('.holder').innerText(), 'vacant');
  const text = await card.innerText();
  assert.match(text, new RegExp(FACILITATOR.purpose));
  assert.deepEqual(await card.locator('ul > li').allInnerTexts(), FACILITATOR.accountabilities);
  assert.match(text, /Decides alone: The order of the agenda/);
  assert.match(await card.locator('.meta').innerText(), new RegExp(`Term: 180 days · created by ${id}`));
  assert.equal(await card.getByRole('link', { name: id }).getAttribute('href'), `/proposals/${id}`);
  assert.equal(await card.locator('details').count(), 0, 'terms of a role never held');
  assert.doesNotMatch(await bob.locator('main').innerText(), /No roles yet/);
  await assertAccessible(bob, '/roles with a vacant role');
  const r = await getRole('facilitator');
  assert.equal(r.holder, null);
  assert.equal(r.created_by, id);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('an election: nominations, the change round, the consent round, held', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  if (!(await getRole('facilitator').catch(() => null))) {
    throw new Error('the facilitator role of the test before is missing');
  }

  /* opened in the form, choosing the role */
  await alice.goto('/proposals/new?kind=role.elect');
  await assertAccessible(alice, 'the role.elect form');
  const roleSelect = alice.getByLabel('Role', { exact: true });
  assert.deepEqual(await optionsOf(roleSelect), [['facilitator', 'Facilitator']]);
  const id = await proposeForRole(alice, 'role.elect', 'Elect a facilitator', 'facilitator');
  let p = await getProposal(org, id);
  assert.equal(p.kind, 'role.elect');
  assert.deepEqual(p.data, { role: 'facilitator' });
  assert.equal(p.phase, 'nominate');

  /* the nomination phase: a nomination form, no position form */
  for (const page of [alice, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Election phase: nominate');
    assert.equal(await page.locator('#position').count(), 0, 'a position form while nominating');
    assert.equal(await page.getByRole('button', { name: 'Save position' }).count(), 0);
    const form = nominationForm(page);
    assert.equal(await form.locator('h2').innerText(), 'Nominate someone');
    const options = await optionsOf(form.getByLabel('Member', { exact: true }));
    assert.deepEqual(options, [
      ['alice', 'Alice (alice)'],
      ['bob', 'Bob (bob)'],
      ['carol', 'Carol (carol)'],
    ]);
    assert.equal(await form.getByLabel('Reason').evaluate((e) => e.tagName), 'TEXTAREA');
    assert.equal(await form.getByRole('button', { name: 'Save nomination' }).count(), 1);
  }
  await assertAccessible(alice, 'an election taking nominations (author)');
  await assertAccessible(carol, 'an election taking nominations (member)');
  /* an election is amended only in its consent round; withdrawn any time */
  assert.equal(await alice.locator('#amend').count(), 0, 'an amend form while nominating');
  assert.equal(await alice.getByRole('button', { name: 'Withdraw proposal' }).count(), 1);

  /* first round: carol 2, bob 1 */
  const first = {
    alice: ['carol', 'Carol keeps every meeting calm'],
    bob: ['carol', 'Carol listens before she speaks'],
    carol: ['bob', 'Bob has time on Thursdays'],
  };
  await nominate(alice, id, ...first.alice);
  /* the form now shows her nomination, to be changed */
  assert.equal(await nominationForm(alice).locator('h2').innerText(), 'Change your nomination');
  assert.equal(await nominationForm(alice).getByLabel('Member', { exact: true }).inputValue(), 'carol');
  assert.equal(await nominationForm(alice).getByLabel('Reason').inputValue(), first.alice[1]);
  await nominate(bob, id, ...first.bob);
  assert.equal((await getProposal(org, id)).phase, 'nominate');
  await bob.goto(`/proposals/${id}`);
  assert.equal(await phaseLine(bob), 'Election phase: nominate');
  await assertAccessible(bob, 'an election with nominations given');
  /* the participation chart counts the nominations */
  assert.equal(
    await bob.locator('#chart-title').textContent(),
    'Participation in round 1: 2 of 3 members of the circle',
  );
  assert.deepEqual(await bob.locator('figure.chart rect > title').allTextContents(), ['nomination: 2']);
  assert.deepEqual(await bob.locator('figure.chart .legend > li').allInnerTexts(), [
    'nomination: 2',
    'no position yet: 1',
  ]);
  await nominate(carol, id, ...first.carol);

  /* everyone sees every nomination and its reason */
  for (const page of [alice, bob, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Election phase: change');
    assert.deepEqual(await positionRows(page), nominationRows(first));
    assert.equal(await page.locator('#position').count(), 0, 'a position form in the change round');
    const form = nominationForm(page);
    assert.equal(await form.locator('h2').innerText(), 'Change your nomination');
    assert.match(await form.innerText(), /Change round/);
  }
  await assertAccessible(alice, 'an election in the change round (author)');
  await assertAccessible(carol, 'an election in the change round (member)');
  assert.equal(await alice.locator('#amend').count(), 0, 'an amend form in the change round');
  p = await getProposal(org, id);
  assert.equal(p.phase, 'change');
  assert.equal(p.candidate, null);

  /* the change round: alice changes to bob, bob confirms carol, carol
   * confirms bob: bob 2, carol 1 */
  const second = {
    alice: ['bob', "Bob's reason convinced me: he has the time"],
    bob: ['carol', 'Still Carol'],
    carol: ['bob', 'Still Bob'],
  };
  await nominate(alice, id, ...second.alice);
  await nominate(bob, id, ...second.bob);
  await carol.goto(`/proposals/${id}`);
  assert.equal(await phaseLine(carol), 'Election phase: change');
  /* the change round counts who has spoken again in it */
  assert.equal(
    await carol.locator('#chart-title').textContent(),
    'Participation in round 1: 2 of 3 members of the circle',
  );
  assert.deepEqual(
    await positionRows(carol),
    nominationRows({ alice: second.alice, bob: second.bob, carol: first.carol }),
  );
  assert.equal(await nominationForm(carol).getByLabel('Member', { exact: true }).inputValue(), 'bob');
  await nominate(carol, id, ...second.carol);

  /* the consent round on the most nominated */
  p = await getProposal(org, id);
  assert.equal(p.phase, 'consent');
  assert.equal(p.candidate, 'bob');
  assert.equal(p.round, 2);
  for (const page of [alice, bob, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Election phase: consent; proposed candidate: bob');
    assert.equal(await page.locator('#nominate').count(), 0, 'a nomination form in the consent round');
    assert.equal(await page.getByRole('button', { name: 'Save nomination' }).count(), 0);
    assert.equal(await page.locator('#position').count(), 1);
    assert.equal(await page.locator('#pos-consent').count(), 1);
    assert.match(await page.locator('.meta').first().innerText(), /round 2/);
    /* the counts the candidate came from */
    assert.equal(await page.locator('#nominations').innerText(), 'Nominations: bob 2, carol 1');
    /* the chart counts positions again */
    assert.equal(
      await page.locator('#chart-title').textContent(),
      'Participation in round 2: 0 of 3 members of the circle',
    );
  }
  await assertAccessible(alice, 'an election in the consent round (author)');
  await assertAccessible(bob, 'an election in the consent round (candidate)');
  /* the author may name another candidate: the circle's active members */
  assert.deepEqual(await optionsOf(alice.locator('#amend').getByLabel('Candidate')), [
    ['alice', 'Alice (alice)'],
    ['bob', 'Bob (bob)'],
    ['carol', 'Carol (carol)'],
  ]);
  assert.equal(await alice.locator('#amend').getByLabel('Candidate').inputValue(), 'bob');
  for (const page of [bob, carol]) {
    assert.equal(await page.locator('#amend').count(), 0, 'an amend form for a non-author');
  }

  for (const who of MEMBERS) await givePosition(org.pages[who], id, 'consent');
  for (const page of [alice, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await page.locator('#status').innerText(), 'adopted');
    assert.equal(await page.locator('#position').count(), 0);
    assert.equal(await page.locator('#nominate').count(), 0);
  }
  await assertAccessible(carol, 'an adopted election');
  const reason = 'bob holds the role "facilitator" for 180 days (no objection; 3 of 3 responded)';
  assert.equal(await carol.locator('.outcome').innerText(), `Outcome: ${reason}`);
  assert.equal((await getProposal(org, id)).outcome, reason);
  assert.equal((await closedEvent(id)).data.reason, reason);

  /* held for its term */
  const r = await getRole('facilitator');
  assert.equal(r.holder, 'bob');
  assert.equal(r.terms.length, 1);
  assert.equal(r.terms[0].proposal, id);
  const closed = Date.parse((await getProposal(org, id)).closed);
  assert.equal(Date.parse(r.term_end) - closed, 180 * 86_400_000);
  await carol.goto('/roles');
  const card = carol.locator('#role-facilitator');
  assert.equal(
    await card.locator('.holder').innerText(),
    `Held by bob until ${shownTime(r.term_end)}`,
  );
  assert.equal(await card.locator('.holder time').getAttribute('datetime'), r.term_end);
  await card.locator('details summary').click();
  assert.match(
    await card.locator('details li').first().innerText(),
    new RegExp(`^bob, elected by ${id}: .* to ${shownTime(r.term_end)} \\(current\\)$`),
  );
  await assertAccessible(carol, '/roles with a held role');
  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('an objection in the consent round: the author names another candidate', { timeout: 120_000 }, async () => {
  const { alice, bob, carol } = org.pages;
  await createRole(org, roleData('treasurer', 'Treasurer', 365));
  const id = await propose(org, 'alice', 'all', 'role.elect', 'Elect a treasurer', { role: 'treasurer' });
  /* bob 2, carol 1, in both rounds */
  for (const reason of ['Good with numbers', 'Still good with numbers']) {
    await nominateApi('alice', id, 'bob', reason);
    await nominateApi('bob', id, 'carol', reason);
    await nominateApi('carol', id, 'bob', reason);
  }
  let p = await getProposal(org, id);
  assert.equal(p.phase, 'consent');
  assert.equal(p.candidate, 'bob');
  assert.equal(p.round, 2);

  /* the candidate objects */
  const objection = 'I am away all spring';
  await givePosition(bob, id, 'object', { reason: objection });
  assert.match(await bob.locator('#objections > li').first().innerText(), /bob, round 2: standing/);
  assert.equal((await getProposal(org, id)).status, 'open');

  /* the author names carol in the amend form */
  const before = await head(org);
  await alice.goto(`/proposals/${id}`);
  assert.equal(await phaseLine(alice), 'Election phase: consent; proposed candidate: bob');
  assert.equal(await alice.locator('#nominations').innerText(), 'Nominations: bob 2, carol 1');
  const amend = alice.locator('#amend');
  assert.equal(await amend.getByLabel('Candidate').inputValue(), 'bob');
  assert.equal(await amend.getByLabel('Role', { exact: true }).inputValue(), 'treasurer');
  await assertAccessible(alice, 'a standing objection to the candidate (author)');
  await amend.getByLabel('Candidate').selectOption('carol');
  await amend.getByRole('button', { name: 'Amend proposal' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.equal((await head(org)).seq, before.seq + 1);

  /* a new consent round on carol, the objection answered */
  p = await getProposal(org, id);
  assert.equal(p.phase, 'consent');
  assert.equal(p.candidate, 'carol');
  assert.equal(p.round, 3);
  assert.equal(p.version, 2);
  assert.deepEqual(p.data, { role: 'treasurer', candidate: 'carol' });
  assert.deepEqual(p.positions, []);
  assert.deepEqual(
    p.objections.map((o) => [o.member, o.status, o.reason]),
    [['bob', 'amended', objection]],
  );
  for (const page of [alice, bob, carol]) {
    await page.goto(`/proposals/${id}`);
    assert.equal(await phaseLine(page), 'Election phase: consent; proposed candidate: carol');
    assert.match(await page.locator('.meta').first().innerText(), /round 3, version 2/);
    assert.match(
      await page.locator('#objections > li').first().innerText(),
      /bob, round 2: amended \(answered by version 2\)/,
    );
    assert.equal(await page.locator('#positions').count(), 0, 'positions carried into the new round');
    assert.equal(await page.locator('#pos-consent').count(), 1);
    /* the nominations stay on the record */
    assert.equal(await page.locator('#nominations').innerText(), 'Nominations: bob 2, carol 1');
  }
  assert.equal(await alice.locator('#amend').getByLabel('Candidate').inputValue(), 'carol');
  await assertAccessible(alice, 'an election amended to another candidate (author)');
  await assertAccessible(carol, 'an election amended to another candidate (candidate)');

  for (const who of MEMBERS) await givePosition(org.pages[who], id, 'consent');
  await carol.goto(`/proposals/${id}`);
  assert.equal(await carol.locator('#status').innerText(), 'adopted');
  assert.equal(
    await carol.locator('.outcome').innerText(),
    'Outcome: carol holds the role "treasurer" for 365 days (no objection; 3 of 3 responded)',
  );
  assert.equal((await getRole('treasurer')).holder, 'carol');

  /* retired again: the tests after count the roles each member holds */
  const retire = await propose(org, 'alice', 'all', 'role.retire', 'Retire the treasurer', {
    role: 'treasurer',
  });
  assert.equal(await consentAll(org, retire), 'adopted');
  assert.equal((await getRole('treasurer')).holder, null);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('refused nominations: no reason, and over role.max_concurrent', { timeout: 150_000 }, async () => {
  const { alice, bob, carol } = org.pages;

  /* alice holds one role */
  await roleHeldBy('host', 'Host', 'alice');

  /* at most one role each, set in the charter.amend form */
  const cid = await proposeCharter(alice, 'One role each', 'role.max_concurrent', '1');
  assert.deepEqual((await getProposal(org, cid)).data, { set: { 'role.max_concurrent': 1 } });
  for (const who of MEMBERS) await givePosition(org.pages[who], cid, 'consent');
  assert.equal((await getProposal(org, cid)).status, 'adopted');
  assert.equal((await getCharter(org))['role.max_concurrent'], 1);
  await alice.goto('/charter');
  const row = alice.locator('#charter tr', { hasText: 'role.max_concurrent' });
  assert.equal(await row.locator('.value').innerText(), '1');

  /* an election for another role */
  await createRole(org, roleData('scribe', 'Scribe', 30));
  const id = await propose(org, 'bob', 'all', 'role.elect', 'Elect a scribe', { role: 'scribe' });
  const before = await head(org);

  /* no reason: the browser asks for one; sent anyway, refused */
  await bob.goto(`/proposals/${id}`);
  let form = nominationForm(bob);
  await form.getByLabel('Member', { exact: true }).selectOption('carol');
  assert.equal(await form.getByLabel('Reason').evaluate((e) => e.checkValidity()), false);
  assert.equal(await submitUnchecked(bob, form.locator('form'), 'Save nomination'), 400);
  await assertFieldError(bob, 'reason', /\/reason must not be empty/);
  assert.equal(new URL(bob.url()).pathname, `/proposals/${id}/nominations`);
  assert.equal(await phaseLine(bob), 'Election phase: nominate');
  /* the form comes back with the member chosen */
  assert.equal(await nominationForm(bob).getByLabel('Member', { exact: true }).inputValue(), 'carol');
  await assertAccessible(bob, 'a refused nomination (no reason)');
  assert.deepEqual(await head(org), before, 'a nomination without a reason appended to the log');

  /* a reason of spaces passes the browser, not the server */
  await bob.goto(`/proposals/${id}`);
  form = nominationForm(bob);
  await form.getByLabel('Member', { exact: true }).selectOption('carol');
  await form.getByLabel('Reason').fill('   ');
  const save = form.getByRole('button', { name: 'Save nomination' });
  assert.equal(await postStatus(bob, save), 400);
  await bob.getByRole('alert').first().waitFor();
  await assertFieldError(bob, 'reason', /a nomination needs a reason/);
  assert.deepEqual(await head(org), before, 'a nomination of spaces appended to the log');

  /* a member who already holds a role (alice, and bob since the
   * election before) is refused with the charter's limit named */
  const roles = await apiGet(org, '/api/v1/roles', 'carol');
  const holders = roles.map((r) => r.holder).filter(Boolean);
  assert.ok(holders.includes('alice'), `holders: ${holders}`);
  for (const holder of holders) {
    const page = holder === 'alice' ? carol : alice;
    await page.goto(`/proposals/${id}`);
    form = nominationForm(page);
    await form.getByLabel('Member', { exact: true }).selectOption(holder);
    await form.getByLabel('Reason').fill(`${holder} writes fast`);
    const save = form.getByRole('button', { name: 'Save nomination' });
    assert.equal(await postStatus(page, save), 400);
    await page.getByRole('alert').first().waitFor();
    await assertFieldError(
      page,
      'nominee',
      new RegExp(`"${holder}" already holds 1 role\\(s\\); the charter's role\\.max_concurrent is 1`),
    );
    assert.match(await page.locator('#form-error').innerText(), /role\.max_concurrent/);
    /* what was typed is kept */
    assert.equal(await nominationForm(page).getByLabel('Reason').inputValue(), `${holder} writes fast`);
    assert.equal(await nominationForm(page).getByLabel('Member', { exact: true }).inputValue(), holder);
    await assertAccessible(page, `a refused nomination (${holder} holds a role)`);
  }
  assert.deepEqual(await head(org), before, 'a refused nomination appended to the log');
  const p = await getProposal(org, id);
  assert.deepEqual(p.positions, []);
  assert.equal(p.phase, 'nominate');

  /* carol holds none and may be nominated */
  await nominate(carol, id, 'carol', 'I would like to try');
  assert.deepEqual(
    await positionRows(carol),
    nominationRows({ carol: ['carol', 'I would like to try'] }),
  );
  assert.equal((await head(org)).seq, before.seq + 1);
  await withdraw(org, id, 'bob');
  assert.deepEqual(unexpected(org.errors, [400]), []);
});

test('a nomination by keyboard alone', { timeout: 60_000 }, async () => {
  const { carol } = org.pages;
  await createRole(org, roleData('gardener', 'Gardener', 60));
  const id = await propose(org, 'alice', 'all', 'role.elect', 'Elect a gardener', { role: 'gardener' });
  /* carol holds no role, so any limit lets her be nominated */
  assert.equal((await getRole('gardener')).holder, null);

  await carol.goto(`/proposals/${id}`);
  await tabTo(carol, 'nominee');
  /* typing a name's first letters picks it in the focused select */
  await carol.keyboard.type('Car');
  assert.equal(await focused(carol, 'value'), 'carol');
  assert.equal(await tab(carol, 'name'), 'reason');
  await carol.keyboard.type('I walk past the garden every day');
  await enterOn(carol, 'Save nomination', id);
  assert.deepEqual(
    await positionRows(carol),
    nominationRows({ carol: ['carol', 'I walk past the garden every day'] }),
  );
  const p = await getProposal(org, id);
  assert.deepEqual(
    p.positions.map((x) => [x.member, x.position, x.nominee, x.reason]),
    [['carol', 'nomination', 'carol', 'I walk past the garden every day']],
  );
  await assertAccessible(carol, 'an election after a keyboard nomination');
  await withdraw(org, id);
  assert.deepEqual(unexpected(org.errors, [400]), []);
});
