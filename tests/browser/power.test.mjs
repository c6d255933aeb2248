// SPDX-License-Identifier: AGPL-3.0-or-later
// The power monitor in the web UI: /power before anything passes a
// threshold (reached from the navigation; the Lorenz chart, every
// measure's figures and sentences as the API gives them, the bars, the
// interaction graph, the thresholds linking to their rows on /charter);
// then one member's proposals being the only adopted ones, past the
// charter's Gini threshold once a charter.amend lowered
// power.alert.min_total: the server raises power.alert by itself, and the
// home page and /power say so in plain words; the bars of a chosen
// measure, a period and a circle; the charts as SVG images; and the alert
// closing (power.cleared) once the others' proposals are adopted as
// often. Every page state is checked for one h1, labelled controls and
// unique ids.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allEvents, api, apiGet, assertAccessible, consentAll, createCircle, optionsOf, propose,
  setupOrg, unexpected,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages

const DIMS = [
  'proposals_authored', 'proposals_adopted', 'objections_raised', 'objections_integrated',
  'participation', 'role_days', 'roles_held', 'delegated_weight', 'money_controlled',
];
const FIGURES = ['gini', 'hhi', 'effective_members', 'top10_share', 'palma', 'nakamoto'];
const GRAPH = ['reciprocity', 'indegree_gini', 'pagerank_gini', 'global_reaching_centrality'];

/* The alert sentence while alice alone has adopted proposals: of three
 * members, one holding everything is a Gini of 2/3. */
const ALERT = /^Adopted proposals are concentrated: Gini 0\.67 \(alert at 0\.60\) in the whole organisation, since (\d{4}-\d\d-\d\d)\. Members holding the most: alice\./;

async function report(query = '') {
  return apiGet(org, `/api/v1/power${query}`);
}

/* An agreement.adopt proposal by who, adopted by everyone's consent. */
async function adopted(who, title) {
  const id = await propose(org, who, 'all', 'agreement.adopt', title, { text: `${title}.` });
  assert.equal(await consentAll(org, id), 'adopted', title);
  return id;
}

/* Loads path on page until check(page) holds. The server's writer checks
 * the alerts shortly after writes, so the page may need a reload or two;
 * the wait is bounded. */
async function reloadUntil(page, path, check, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    await page.goto(path);
    if (await check(page)) return;
    if (Date.now() > deadline) assert.fail(`${what}: not seen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/* A figure as the table writes it, from the API's value. */
function shown(name, v) {
  if (v === null) return '—';
  switch (name) {
    case 'gini':
    case 'palma':
      return v.toFixed(2);
    case 'hhi':
      return v.toFixed(3);
    case 'effective_members':
      return v.toFixed(1);
    case 'top10_share':
      return `${Math.round(v * 100)}%`;
    default:
      return String(v);
  }
}

/* The cells of the figures table, dimension -> figure -> text. */
async function figureCells(page) {
  return page.locator('#figures tbody tr[id^="dim-"]').evaluateAll((trs) =>
    Object.fromEntries(
      trs.map((tr) => [
        tr.id.slice(4),
        Object.fromEntries(
          [...tr.querySelectorAll('td[data-figure]')].map((td) => [
            td.dataset.figure,
            td.textContent.trim(),
          ]),
        ),
      ]),
    ),
  );
}

/* The member ids of the bars chart, top to bottom, and the value each
 * bar's title gives. */
async function bars(page) {
  return page
    .locator('#bars svg rect title')
    .evaluateAll((ts) => ts.map((t) => t.textContent.split(': ')));
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('the power page: chart, figures and sentences, bars, thresholds', { timeout: 120_000 }, async () => {
  const { bob } = org.pages;

  /* nothing to report on the home page; the nav leads to /power */
  await bob.goto('/');
  assert.equal(await bob.locator('#balance').count(), 0);
  assert.doesNotMatch(await bob.locator('main').innerText(), /Balance of power/);
  await bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Power' }).click();
  await bob.waitForURL((u) => u.pathname === '/power');
  assert.equal(await bob.locator('h1').innerText(), 'Balance of power');
  assert.match(await bob.locator('.lead').innerText(), /over the 3 active members of the whole organisation, over all time/);
  assert.equal(await bob.locator('#alerts + p.empty').innerText(), 'No alert is open.');
  await assertAccessible(bob, '/power');

  const rep = await report();
  assert.equal(rep.members, 3);

  /* the Lorenz chart: inline, titled, one curve per measure with
   * something to share, a legend entry for every measure */
  const svg = bob.locator('#lorenz svg');
  assert.equal(await svg.count(), 1);
  assert.equal(await svg.getAttribute('role'), 'img');
  assert.equal(
    await svg.locator('title').first().textContent(),
    'Lorenz curves of the whole organisation, all time',
  );
  assert.match(await svg.locator('desc').textContent(), /The dashed diagonal is equality/);
  const counted = DIMS.filter((d) => rep.measures[d].total > 0);
  assert.ok(counted.includes('proposals_adopted'));
  assert.equal(await svg.locator('polyline').count(), counted.length);
  const legend = await svg.locator('g text').allTextContents();
  assert.equal(legend.length, 1 + DIMS.length + 1);
  assert.ok(legend.includes('Proposals adopted, Gini 0.67'), legend.join(' | '));
  assert.ok(legend.includes('Roles held now, nothing yet'), legend.join(' | '));
  assert.match(await bob.locator('#lorenz figcaption').innerText(), /dashed diagonal/);

  /* every figure of every measure as the API has it */
  const cells = await figureCells(bob);
  assert.deepEqual(Object.keys(cells), DIMS);
  for (const d of DIMS) {
    const m = rep.measures[d];
    const want = Object.fromEntries(FIGURES.map((f) => [f, shown(f, m[f])]));
    if (!(m.total > 0)) {
      for (const f of FIGURES) want[f] = '—';
    }
    assert.deepEqual(cells[d], want, d);
  }
  assert.equal(cells.proposals_adopted.gini, '0.67');

  /* the sentences behind each measure */
  const explain = bob.locator('#dim-proposals_adopted + tr.explain details');
  assert.equal(await explain.locator('dd').first().isVisible(), false);
  await explain.locator('summary').click();
  assert.deepEqual(
    await explain.locator('dd').allTextContents(),
    FIGURES.map((f) => rep.measures.proposals_adopted.explain[f]),
  );
  assert.match(await explain.locator('dd').first().innerText(), /one member has them all/);

  /* the bars of the default measure: alice first */
  assert.equal(
    await bob.locator('#bars svg title').first().textContent(),
    'Proposals adopted per member, the whole organisation, all time',
  );
  const b = await bars(bob);
  assert.deepEqual(b.map(([who]) => who), ['alice', 'bob', 'carol']);
  assert.equal(Number(b[0][1]), rep.measures.proposals_adopted.per_member.alice);
  assert.equal(await bob.getByLabel('Measure', { exact: true }).inputValue(), 'proposals_adopted');

  /* the interaction graph and its sentences */
  const graph = await bob
    .locator('#graph tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.dataset.figure, tr.cells[1].textContent.trim(), tr.cells[2].textContent.trim()]));
  assert.deepEqual(graph.map(([f]) => f), GRAPH);
  for (const [f, value, sentence] of graph) {
    assert.equal(value.replace(' (estimated)', ''), shown('gini', rep.graph[f]), f);
    assert.equal(sentence, rep.graph.explain[f], f);
  }

  /* the thresholds, each linking to its row of the charter */
  const rows = await bob
    .locator('#thresholds tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('a').getAttribute('href'), tr.cells[0].textContent.trim(), tr.cells[1].textContent.trim()]));
  assert.deepEqual(
    rows.map(([href, name, value]) => [href, name, value.replace(' (off)', '')]),
    Object.entries(rep.thresholds).map(([name, value]) => [`/charter#${name}`, name, String(value)]),
  );
  assert.ok(rows.some(([, name]) => name === 'power.alert.min_total'));
  await bob.getByRole('link', { name: 'power.alert.min_total' }).click();
  await bob.waitForURL((u) => u.pathname === '/charter' && u.hash === '#power.alert.min_total');
  const row = bob.locator('[id="power.alert.min_total"]');
  await row.waitFor();
  assert.equal(await row.locator('td.value').innerText(), '10');
  assert.equal(await row.locator('code').innerText(), 'power.alert.min_total');
  await assertAccessible(bob, '/charter with its anchors');
  assert.deepEqual(unexpected(org.errors), []);
});

test('one member holding the adopted proposals raises an alert, shown in plain words', { timeout: 120_000 }, async () => {
  const { alice, bob } = org.pages;

  /* alice authored both admissions; with the least total at 3, her
   * charter change makes three adopted proposals, all hers */
  const p = await propose(org, 'alice', 'all', 'charter.amend', 'Judge spreads early', {
    set: { 'power.alert.min_total': 3 },
  });
  assert.equal(await consentAll(org, p), 'adopted');

  await reloadUntil(bob, '/', async (page) => (await page.locator('#balance').count()) > 0, 'the alert on the home page');
  const section = bob.locator('#balance');
  assert.equal(await section.locator('h2').innerText(), 'Balance of power');
  const items = await section.locator('li').allInnerTexts();
  assert.equal(items.length, 1);
  const m = ALERT.exec(items[0]);
  assert.ok(m, items[0]);

  /* the log holds it, raised by the system, with the same facts */
  const raised = (await allEvents(org)).filter((e) => e.type === 'power.alert');
  assert.equal(raised.length, 1);
  assert.equal(raised[0].actor, 'system');
  assert.deepEqual(raised[0].data, {
    measure: 'proposals_adopted.gini',
    circle: 'all',
    value: 67,
    threshold: 60,
    members: ['alice'],
  });
  assert.equal(m[1], raised[0].time.slice(0, 10));
  assert.equal(
    await section.locator('time').getAttribute('datetime'),
    raised[0].time,
  );
  await assertAccessible(bob, 'the home page with an alert');

  /* everyone sees it, and it leads to the figures */
  await alice.goto('/');
  assert.match(await alice.locator('#balance li').innerText(), ALERT);
  await alice.locator('#balance').getByRole('link', { name: 'How power is spread' }).click();
  await alice.waitForURL((u) => u.pathname === '/power');
  const listed = await alice.locator('#alerts + ul li').allInnerTexts();
  assert.equal(listed.length, 1);
  assert.match(listed[0], ALERT);
  const rep = await report();
  assert.equal(rep.alerts.length, 1);
  assert.equal(rep.alerts[0].measure, 'proposals_adopted.gini');
  assert.equal(
    (await figureCells(alice)).proposals_adopted.gini,
    shown('gini', rep.measures.proposals_adopted.gini),
  );

  /* the threshold's new value, and its link */
  const row = alice.locator('#thresholds tr', { hasText: 'power.alert.min_total' });
  assert.equal(await row.locator('td').first().innerText(), '3');
  await assertAccessible(alice, '/power with an alert');
  assert.deepEqual(unexpected(org.errors), []);
});

test('bars of a chosen measure, a period, a circle; the charts as SVG images', { timeout: 120_000 }, async () => {
  const { bob, carol } = org.pages;

  /* the bars follow the measure chosen */
  await bob.goto('/power');
  const dims = await optionsOf(bob.getByLabel('Measure', { exact: true }));
  assert.deepEqual(dims.map(([v]) => v), DIMS);
  await bob.getByLabel('Measure', { exact: true }).selectOption('proposals_authored');
  await bob.locator('#per-member + form').getByRole('button', { name: 'Show' }).click();
  await bob.waitForURL((u) => u.pathname === '/power' && u.searchParams.get('dim') === 'proposals_authored');
  assert.equal(await bob.getByLabel('Measure', { exact: true }).inputValue(), 'proposals_authored');
  assert.match(await bob.locator('#bars svg title').first().textContent(), /^Proposals authored per member/);
  const rep = await report();
  const b = await bars(bob);
  assert.equal(b[0][0], 'alice');
  assert.deepEqual(
    Object.fromEntries(b.map(([who, v]) => [who, Number(v)])),
    rep.measures.proposals_authored.per_member,
  );

  /* a period: the measure chosen stays */
  await bob.getByLabel('Period', { exact: true }).selectOption('30');
  await bob.locator('form.filters').first().getByRole('button', { name: 'Show' }).click();
  await bob.waitForURL((u) => u.searchParams.get('days') === '30');
  assert.equal(bob.url().includes('dim=proposals_authored'), true);
  assert.match(await bob.locator('.lead').innerText(), /over the last 30 days/);
  assert.match(await bob.locator('#lorenz svg title').first().textContent(), /since \d{4}-\d\d-\d\d$/);
  const periods = await optionsOf(bob.getByLabel('Period', { exact: true }));
  assert.deepEqual(periods.map(([v]) => v), ['all', '30', '90', '365']);
  assert.match(periods[2][1], /the alerts' window/);
  await assertAccessible(bob, '/power for 30 days');

  /* a circle: its members only, its own alerts (none) */
  await createCircle(org, {
    id: 'kitchen',
    name: 'Kitchen',
    purpose: 'Meals for everyone',
    members: ['bob', 'carol'],
  });
  await carol.goto('/power');
  await carol.getByLabel('Circle', { exact: true }).selectOption('kitchen');
  await carol.locator('form.filters').first().getByRole('button', { name: 'Show' }).click();
  await carol.waitForURL((u) => u.searchParams.get('circle') === 'kitchen');
  assert.match(await carol.locator('.lead').innerText(), /over the 2 active members of the circle Kitchen/);
  assert.equal(await carol.locator('#alerts + p.empty').innerText(), 'No alert is open.');
  assert.deepEqual((await bars(carol)).map(([who]) => who).sort(), ['bob', 'carol']);
  assert.match(await carol.locator('#lorenz svg title').first().textContent(), /circle kitchen/);
  await assertAccessible(carol, '/power of a circle');

  /* the same charts as images, with the pages' headers */
  for (const [query, title] of [
    ['', /^Lorenz curves of the whole organisation, all time$/],
    ['?chart=bars&dim=objections_raised&circle=kitchen&days=90', /^Objections raised per member, circle kitchen, since /],
  ]) {
    const res = await bob.request.get(`/power.svg${query}`);
    assert.equal(res.status(), 200, query);
    assert.match(res.headers()['content-type'], /^image\/svg\+xml/);
    assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
    const text = await res.text();
    assert.ok(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '), text.slice(0, 80));
    assert.ok(text.trimEnd().endsWith('</svg>'));
    assert.doesNotMatch(text, /<script|\sstyle=|\son[a-z]+=/i);
    const got = /<title id="[^"]+">([^<]*)<\/title>/.exec(text);
    assert.ok(got, 'no title');
    assert.match(got[1], title);
    /* the same request draws the same bytes */
    assert.equal(await (await bob.request.get(`/power.svg${query}`)).text(), text);
  }
  for (const [query, status] of [
    ['?circle=nowhere', 404],
    ['?dim=fame', 400],
    ['?chart=pie', 400],
    ['?days=0', 400],
  ]) {
    const res = await bob.request.get(`/power.svg${query}`);
    assert.equal(res.status(), status, query);
  }
  const stranger = await api(org.server, 'GET', '/power.svg');
  assert.equal(stranger.status, 200, 'the login page after the redirect');
  assert.doesNotMatch(stranger.text, /<svg xmlns/);
  assert.deepEqual(unexpected(org.errors), []);
});

test('the alert closes once the adopted proposals are spread again', { timeout: 120_000 }, async () => {
  const { bob } = org.pages;

  /* bob and carol get as many proposals adopted as alice has */
  const per = (await report()).measures.proposals_adopted.per_member;
  for (const who of ['bob', 'carol']) {
    for (let i = per[who]; i < per.alice; i++) await adopted(who, `Rule ${who} ${i + 1}`);
  }
  const even = (await report()).measures.proposals_adopted;
  assert.equal(even.gini, 0);

  await reloadUntil(bob, '/', async (page) => (await page.locator('#balance').count()) === 0, 'the alert closed');
  assert.doesNotMatch(await bob.locator('main').innerText(), /Balance of power/);
  const cleared = (await allEvents(org)).filter((e) => e.type === 'power.cleared');
  assert.equal(cleared.length, 1);
  assert.equal(cleared[0].actor, 'system');
  assert.equal(cleared[0].data.measure, 'proposals_adopted.gini');
  assert.equal(cleared[0].data.circle, 'all');
  assert.ok(cleared[0].data.value < 60, JSON.stringify(cleared[0].data));

  await bob.goto('/power');
  assert.equal(await bob.locator('#alerts + p.empty').innerText(), 'No alert is open.');
  assert.equal((await figureCells(bob)).proposals_adopted.gini, '0.00');
  await assertAccessible(bob, '/power after the alert closed');
  assert.deepEqual(unexpected(org.errors), []);
});
