// SPDX-License-Identifier: AGPL-3.0-or-later
// The pages web.test.mjs does not walk through: an invite taken in the
// browser, withdrawing, the proposal list's filters, the new proposal
// form of every other kind (and a refused field shown next to itself),
// an agreement's versions, the members, circles and log pages against
// the API, and accessibility basics (one h1, labelled controls, the
// position form by keyboard).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  allEvents, apiGet, assertAccessible, assertFieldError, consentAll, createCircle, csrfOf, enterOn,
  focused, getProposal, givePosition, head, idOf, postForm, postStatus, propose, setupOrg, signIn,
  tab, tabTo, unexpected, withdraw,
} from './harness.mjs';

let org; // alice, bob and carol, each signed in on org.pages
const kept = {}; // what a test leaves for the ones after it

/* The new proposal form of kind with the title filled in. */
async function newForm(page, kind, title) {
  await page.goto(`/proposals/new?kind=${kind}`);
  await page.getByLabel('Title').fill(title);
}

async function submitNew(page) {
  await page.getByRole('button', { name: 'Propose' }).click();
  await page.waitForURL(/\/proposals\/p\d+$/);
  return idOf(page);
}

before(async () => {
  org = await setupOrg({ members: true, signedIn: true });
});

after(async () => {
  await org?.close();
});

test('an invite proposed and taken in the browser', { timeout: 90_000 }, async () => {
  const solo = await setupOrg();
  try {
    const alice = await solo.page('alice');
    await signIn(alice, 'alice');
    await alice.goto('/proposals/new');
    await alice.getByLabel('Kind of proposal').selectOption('member.admit');
    await alice.getByRole('button', { name: 'Choose' }).click();
    await alice.getByLabel('Title').fill('Admit Dana');
    await alice.getByLabel('Member id').fill('dana');
    await alice.getByLabel('Name').fill('Dana');
    const id = await submitNew(alice);
    await givePosition(alice, id, 'consent');
    assert.equal(await alice.locator('#status').innerText(), 'adopted');

    /* the author reads the code on the proposal page, the same one the
     * API hands out */
    const code = (await alice.locator('#invite-code').innerText()).trim();
    assert.match(await alice.locator('#invite h2').innerText(), /Invite for dana/);
    const inv = await apiGet(solo, `/api/v1/proposals/${id}/invite`);
    assert.equal(inv.member, 'dana');
    assert.equal(inv.invite, code);

    const dana = await solo.page('dana');
    await dana.goto('/members');
    await dana.waitForURL((u) => u.pathname === '/login');
    await dana.getByRole('link', { name: 'Accept your invite' }).click();
    await dana.waitForURL((u) => u.pathname === '/invite');

    /* a wrong code: the message on the page, the log untouched */
    const before = await head(solo);
    await dana.getByLabel('Invite code').fill(`${code}x`);
    await dana.getByLabel('Choose a password').fill('dana-password');
    assert.equal(await postStatus(dana, 'Join'), 404);
    await dana.getByRole('alert').waitFor();
    assert.match(await dana.getByRole('alert').innerText(), /unknown invite code/);
    assert.match(await dana.locator('#invite-error').innerText(), /unknown invite code/);
    assert.deepEqual(await head(solo), before, 'a wrong code appended to the log');

    await dana.getByLabel('Invite code').fill(code);
    await dana.getByLabel('Choose a password').fill('dana-password');
    await dana.getByRole('button', { name: 'Join' }).click();
    await dana.waitForURL((u) => u.pathname === '/login');
    assert.equal((await head(solo)).seq, before.seq + 1);
    await signIn(dana, 'dana', 'dana-password');
    await dana.goto('/members');
    const row = dana.locator('#members tr', { hasText: 'dana' });
    assert.match(await row.innerText(), /dana\s+Dana\s+active/);
    assert.match(await dana.locator('.who').textContent(), /Signed in as\s*dana/);

    /* the code is spent */
    const again = await solo.page('eve');
    await again.goto('/invite');
    await again.getByLabel('Invite code').fill(code);
    await again.getByLabel('Choose a password').fill('eve-password');
    await again.getByRole('button', { name: 'Join' }).click();
    await again.getByRole('alert').waitFor();
    assert.equal(new URL(again.url()).pathname, '/invite');
    assert.deepEqual(unexpected(solo.errors, [404]), []);
  } finally {
    await solo.close();
  }
});

test('the author withdraws; nobody else can', { timeout: 60_000 }, async () => {
  const { alice, bob } = org.pages;
  const id = await propose(org, 'alice', 'all', 'agreement.adopt', 'Bikes in the hall', {
    text: 'Bikes may stand in the hall.',
  });
  await bob.goto(`/proposals/${id}`);
  assert.equal(await bob.locator('#withdraw').count(), 0);
  assert.equal(await bob.getByRole('button', { name: 'Withdraw proposal' }).count(), 0);

  /* bob forges the form with his own valid csrf value */
  const before = await head(org);
  const forged = await postForm(org, bob, `/proposals/${id}/withdraw`, `csrf=${await csrfOf(bob)}`);
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /author/);
  assert.deepEqual(await head(org), before);
  assert.equal((await getProposal(org, id)).status, 'open');

  await alice.goto(`/proposals/${id}`);
  await alice.getByRole('button', { name: 'Withdraw proposal' }).click();
  await alice.waitForURL((u) => u.pathname === `/proposals/${id}`);
  assert.equal(await alice.locator('#status').innerText(), 'withdrawn');
  assert.equal(await alice.locator('#withdraw').count(), 0);
  assert.equal(await alice.locator('#position').count(), 0);
  assert.equal((await getProposal(org, id)).status, 'withdrawn');
});

test('the proposal list filters by status and circle', { timeout: 60_000 }, async () => {
  const { alice } = org.pages;
  const c = await createCircle(org, {
    id: 'garden',
    name: 'Garden',
    purpose: 'Looks after the garden',
    members: ['alice', 'bob'],
  });
  const g1 = await propose(org, 'bob', 'garden', 'agreement.adopt', 'Watering', {
    text: 'Water on Mondays.',
  });
  const g2 = await propose(org, 'alice', 'garden', 'agreement.adopt', 'Compost', {
    text: 'Compost goes left.',
  });
  await withdraw(org, g2);
  const a1 = await propose(org, 'alice', 'all', 'agreement.adopt', 'Open in all', {
    text: 'x',
  });

  const rows = async (query) => {
    await alice.goto(`/proposals${query}`);
    return alice.locator('#proposals tbody tr td:first-child').allInnerTexts();
  };
  const apiIds = async (query) =>
    (await apiGet(org, `/api/v1/proposals${query}`)).map((p) => p.id).sort();

  const openGarden = await rows('?status=open&circle=garden');
  assert.deepEqual(openGarden, [g1]);
  assert.equal(await alice.locator('#f-status').inputValue(), 'open');
  assert.equal(await alice.locator('#f-circle').inputValue(), 'garden');

  const garden = await rows('?circle=garden');
  assert.deepEqual([...garden].sort(), [g1, g2].sort());
  assert.deepEqual([...garden].sort(), await apiIds('?circle=garden'));

  const withdrawn = await rows('?status=withdrawn');
  assert.ok(withdrawn.includes(g2));
  assert.deepEqual([...withdrawn].sort(), await apiIds('?status=withdrawn'));
  for (const st of await alice.locator('#proposals tbody .badge').allInnerTexts()) {
    assert.equal(st, 'withdrawn');
  }

  const open = await rows('?status=open');
  assert.ok(open.includes(a1) && open.includes(g1));
  assert.deepEqual([...open].sort(), await apiIds('?status=open'));

  const all = await rows('');
  assert.deepEqual([...all].sort(), await apiIds(''));

  /* chosen in the form (GET) */
  await alice.getByLabel('Status').selectOption('adopted');
  await alice.getByLabel('Circle').selectOption('all');
  await alice.getByRole('button', { name: 'Filter' }).click();
  await alice.waitForURL(/status=adopted/);
  const got = await alice.locator('#proposals tbody tr td:first-child').allInnerTexts();
  assert.ok(got.includes(c));
  assert.deepEqual([...got].sort(), await apiIds('?status=adopted&circle=all'));

  await rows('?status=lapsed&circle=garden');
  assert.match(await alice.locator('.empty').innerText(), /No proposals match/);
  /* an unknown filter value shows everything rather than failing */
  assert.deepEqual((await rows('?status=nonsense')).sort(), await apiIds(''));
  await withdraw(org, a1);
  await withdraw(org, g1, 'bob');
});

test('the new proposal form of every kind makes the right proposal', { timeout: 120_000 }, async () => {
  const { alice } = org.pages;
  const ag = await propose(org, 'alice', 'all', 'agreement.adopt', 'Dishes', {
    text: '# Dishes\n\nWash your own.',
  });
  assert.equal(await consentAll(org, ag), 'adopted');
  const agId = (await getProposal(org, ag)).agreement ?? 'a1';

  /* member.remove */
  await newForm(alice, 'member.remove', 'Remove Carol');
  await alice.getByLabel('Member').selectOption('carol');
  await alice.getByLabel('Reason').fill('Moved away');
  let id = await submitNew(alice);
  let p = await getProposal(org, id);
  assert.equal(p.kind, 'member.remove');
  assert.equal(p.circle, 'all');
  assert.deepEqual(p.data, { member: 'carol', reason: 'Moved away' });
  await withdraw(org, id);

  /* member.remove of an invited member cancels the invite */
  const admit = await propose(org, 'alice', 'all', 'member.admit', 'Admit Zoe', {
    id: 'zoe',
    name: 'Zoe',
  });
  assert.equal(await consentAll(org, admit), 'adopted');
  await newForm(alice, 'member.remove', 'Cancel the invite of Zoe');
  assert.ok(
    (await alice.locator('#f-member option').allInnerTexts()).includes('Zoe (invited)'),
    'an invited member is not offered for removal',
  );
  await alice.getByLabel('Member').selectOption('zoe');
  await alice.getByLabel('Reason').fill('She changed her mind\nand said so');
  id = await submitNew(alice);
  p = await getProposal(org, id);
  assert.deepEqual(p.data, { member: 'zoe', reason: 'She changed her mind\nand said so' });
  await withdraw(org, id);

  /* circle.create */
  await newForm(alice, 'circle.create', 'Kitchen circle');
  await alice.getByLabel('Circle id').fill('kitchen');
  await alice.getByLabel('Name', { exact: true }).fill('Kitchen');
  await alice.getByLabel('Purpose').fill('Keeps the kitchen going');
  await alice.getByLabel('Alice (alice)').check();
  await alice.getByLabel('Carol (carol)').check();
  id = await submitNew(alice);
  p = await getProposal(org, id);
  assert.equal(p.kind, 'circle.create');
  assert.deepEqual(p.data, {
    id: 'kitchen',
    name: 'Kitchen',
    purpose: 'Keeps the kitchen going',
    members: ['alice', 'carol'],
  });
  await withdraw(org, id);

  /* circle.amend of the garden circle (made by the filter test) */
  await newForm(alice, 'circle.amend', 'Carol joins the garden');
  await alice.getByLabel('Circle that decides').selectOption('garden');
  await alice.getByLabel('Circle to change').selectOption('garden');
  await alice.getByLabel('New purpose').fill('Garden and yard');
  await alice.getByRole('group', { name: 'Add members' }).getByLabel('Carol (carol)').check();
  await alice.getByRole('group', { name: 'Remove members' }).getByLabel('Bob (bob)').check();
  id = await submitNew(alice);
  p = await getProposal(org, id);
  assert.equal(p.kind, 'circle.amend');
  assert.equal(p.circle, 'garden');
  assert.deepEqual(p.data, {
    circle: 'garden',
    purpose: 'Garden and yard',
    add: ['carol'],
    remove: ['bob'],
  });
  await withdraw(org, id);

  /* agreement.amend */
  await newForm(alice, 'agreement.amend', 'Dishes, amended');
  await alice.getByLabel('Agreement', { exact: true }).selectOption(agId);
  await alice.getByLabel('New text').fill('# Dishes\n\nWash your own, **today**.');
  id = await submitNew(alice);
  p = await getProposal(org, id);
  assert.equal(p.kind, 'agreement.amend');
  assert.deepEqual(p.data, { agreement: agId, text: '# Dishes\n\nWash your own, **today**.' });
  /* kept open: the agreement page test adopts it */
  kept.amendId = id;
  kept.agreementId = agId;

  /* agreement.retire */
  await newForm(alice, 'agreement.retire', 'Retire dishes');
  await alice.getByLabel('Agreement', { exact: true }).selectOption(agId);
  id = await submitNew(alice);
  p = await getProposal(org, id);
  assert.equal(p.kind, 'agreement.retire');
  assert.deepEqual(p.data, { agreement: agId });
  await withdraw(org, id);
});

test('a refused field is shown next to itself, the form kept', { timeout: 60_000 }, async () => {
  const { alice } = org.pages;
  const before = await head(org);

  /* member.admit with an id that is not one */
  await newForm(alice, 'member.admit', 'Admit Zed');
  await alice.getByLabel('Member id').fill('Zed Zed');
  await alice.getByLabel('Name').fill('Zed');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.getByRole('alert').waitFor();
  assert.equal(new URL(alice.url()).pathname, '/proposals');
  await assertFieldError(alice, 'id', /id/);
  assert.equal(await alice.locator('#f-id').getAttribute('aria-invalid'), 'true');
  assert.equal(await alice.locator('#f-id').inputValue(), 'Zed Zed');
  assert.equal(await alice.getByLabel('Title').inputValue(), 'Admit Zed');

  /* member.remove of a member that does not exist (a forged option) */
  await newForm(alice, 'member.remove', 'Remove nobody');
  await alice.locator('#f-member option[value="bob"]').evaluate((o) => {
    o.value = 'nobody';
  });
  await alice.getByLabel('Member').selectOption('nobody');
  await alice.getByLabel('Reason').fill('x');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.getByRole('alert').waitFor();
  await assertFieldError(alice, 'member', /not a member/);

  /* circle.create without members: next to the boxes */
  await newForm(alice, 'circle.create', 'Empty circle');
  await alice.getByLabel('Circle id').fill('empty');
  await alice.getByLabel('Name', { exact: true }).fill('Empty');
  await alice.getByLabel('Purpose').fill('Nothing');
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.getByRole('alert').waitFor();
  const err = alice.locator('#members-error');
  assert.match(await err.innerText(), /at least one member/);
  assert.equal(await alice.locator('fieldset', { has: err }).locator('legend').innerText(), 'Members');
  assert.equal(await alice.getByLabel('Circle id').inputValue(), 'empty');

  /* circle.amend adding someone already in the circle */
  await newForm(alice, 'circle.amend', 'Alice again');
  await alice.getByLabel('Circle that decides').selectOption('garden');
  await alice.getByLabel('Circle to change').selectOption('garden');
  await alice.getByRole('group', { name: 'Add members' }).getByLabel('Alice (alice)').check();
  await alice.getByRole('button', { name: 'Propose' }).click();
  await alice.getByRole('alert').waitFor();
  const addErr = alice.locator('#add-error');
  assert.match(await addErr.innerText(), /already in the circle/);
  assert.equal(await alice.locator('fieldset', { has: addErr }).locator('legend').innerText(), 'Add members');
  assert.equal(
    await alice.getByRole('group', { name: 'Add members' }).getByLabel('Alice (alice)').isChecked(),
    true,
  );

  assert.deepEqual(await head(org), before, 'a refused form appended to the log');
});

test('an agreement page shows its versions and its Markdown', { timeout: 60_000 }, async () => {
  const { alice } = org.pages;
  assert.ok(kept.amendId, 'the form test did not run');
  assert.equal(await consentAll(org, kept.amendId), 'adopted');
  await alice.goto(`/agreements/${kept.agreementId}`);
  assert.equal(await alice.locator('main h1').innerText(), 'Dishes');
  const md = alice.locator('.md');
  assert.match(await md.innerText(), /Wash your own, today\./);
  assert.equal(await md.locator('strong').innerText(), 'today');
  const versions = alice.locator('ol.versions > li');
  assert.equal(await versions.count(), 2);
  assert.match(await versions.nth(0).innerText(), new RegExp(`Version 1, set by p\\d+`));
  assert.match(await versions.nth(1).innerText(), new RegExp(`Version 2, set by ${kept.amendId}`));
  const diff = await versions.nth(1).locator('pre.diff').textContent();
  assert.match(diff, /^- Wash your own\.$/m);
  assert.match(diff, /^\+ Wash your own, \*\*today\*\*\.$/m);
  const ag = await apiGet(org, `/api/v1/agreements/${kept.agreementId}`);
  assert.equal(ag.versions?.length ?? ag.version, 2);
  await alice.goto('/agreements/a999');
  assert.match(await alice.getByRole('alert').innerText(), /no such agreement/);
});

test('members and circles list what the API lists', { timeout: 30_000 }, async () => {
  const { bob } = org.pages;
  const members = await apiGet(org, '/api/v1/members', 'bob');
  await bob.goto('/members');
  const rows = await bob.locator('#members tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].slice(0, 3).map((td) => td.innerText)),
  );
  assert.deepEqual(
    rows,
    members.map((m) => [m.id, m.name, m.status]),
  );

  const circles = await apiGet(org, '/api/v1/circles', 'bob');
  await bob.goto('/circles');
  const cards = bob.locator('main section.card');
  assert.equal(await cards.count(), circles.length);
  for (let i = 0; i < circles.length; i++) {
    const c = circles[i];
    const text = await cards.nth(i).innerText();
    assert.match(await cards.nth(i).locator('h2').innerText(), new RegExp(`${c.name} \\(${c.id}\\)`));
    assert.ok(text.includes(c.purpose), text);
    if (c.id === 'all') {
      assert.match(text, new RegExp(`Every active member \\(${c.members.length}\\)`));
    } else {
      assert.match(text, new RegExp(`Members: ${c.members.join(', ')}`));
    }
  }
});

test('the log pages back through older events with their hashes', { timeout: 60_000 }, async () => {
  const { carol } = org.pages;
  const top = await head(org);
  assert.ok(top.seq > 30, `only ${top.seq} events`);
  const bySeq = new Map((await allEvents(org, 'carol')).map((e) => [e.seq, e]));

  await carol.goto('/log');
  const seen = new Set();
  for (let n = 0; n < 10; n++) {
    assert.match(await carol.locator('#verified').innerText(), /verified/);
    assert.doesNotMatch(await carol.locator('#verified').innerText(), /NOT/);
    const items = await carol.locator('ol.log > li').evaluateAll((lis) =>
      lis.map((li) => ({
        seq: Number(li.value),
        hashes: [...li.querySelectorAll('code.hash')].map((c) => c.textContent),
      })),
    );
    assert.ok(items.length > 0 && items.length <= 25);
    for (const it of items) {
      const ev = bySeq.get(it.seq);
      assert.ok(ev, `no event ${it.seq}`);
      assert.equal(it.hashes[0], ev.hash);
      assert.equal(it.hashes[1], ev.prev);
      assert.ok(!seen.has(it.seq), `event ${it.seq} on two pages`);
      seen.add(it.seq);
    }
    const older = carol.getByRole('link', { name: 'Older events' });
    if ((await older.count()) === 0) break;
    await older.click();
    await carol.waitForURL(/before=/);
  }
  assert.equal(seen.size, top.seq, 'paging did not reach every event');
  /* and forward again */
  await carol.getByRole('link', { name: 'Newer events' }).click();
  await carol.waitForURL(/before=/);
  const first = await carol.locator('ol.log > li').first().getAttribute('value');
  assert.ok(Number(first) > 25);
});

test('every main page has one h1 and labelled controls', { timeout: 90_000 }, async () => {
  const { alice } = org.pages;
  const id = await propose(org, 'alice', 'all', 'agreement.adopt', 'Headings', {
    text: '# Big heading\n\n## Second\n\n###### Sixth\n\nBody.',
  });
  const paths = [
    '/',
    '/proposals',
    '/proposals/new',
    '/proposals/new?kind=circle.amend',
    '/proposals/new?kind=circle.create',
    '/proposals/new?kind=charter.amend',
    `/proposals/${id}`,
    `/proposals/${kept.amendId}`,
    '/agreements',
    `/agreements/${kept.agreementId}`,
    '/charter',
    '/members',
    '/circles',
    '/log',
  ];
  const anon = await org.page('anonymous');
  for (const [page, path] of [
    ...paths.map((p) => [alice, p]),
    [anon, '/login'],
    [anon, '/invite'],
  ]) {
    await page.goto(path);
    await assertAccessible(page, path);
    assert.ok((await page.title()).length > 0);
  }
  /* the Markdown's headings sit below the page's own */
  await alice.goto(`/proposals/${id}`);
  assert.equal(await alice.locator('.md h2').innerText(), 'Big heading');
  assert.equal(await alice.locator('.md h3').innerText(), 'Second');
  assert.equal(await alice.locator('.md h6').innerText(), 'Sixth');
  await withdraw(org, id);
});

test('the position form works by keyboard alone', { timeout: 60_000 }, async () => {
  const { bob } = org.pages;
  const id = await propose(org, 'alice', 'all', 'agreement.adopt', 'Keyboard', { text: 'Keys.' });
  await bob.goto(`/proposals/${id}`);
  /* from the skip link onwards, as a keyboard user starts */
  await tabTo(bob, 'position');
  /* arrows move within the group: consent, concern, object, stand aside */
  await bob.keyboard.press('ArrowDown');
  assert.equal(await focused(bob, 'value'), 'concern');
  assert.equal(await bob.locator('#pos-concern').isChecked(), true);
  assert.equal(await tab(bob, 'name'), 'reason');
  await bob.keyboard.type('Fine, but watch the noise');
  await enterOn(bob, 'Save position', id);
  assert.match(await bob.locator('#positions').innerText(), /bob\s+concern\s+Fine, but watch the noise/);
  const p = await getProposal(org, id);
  assert.equal(p.status, 'open');
  await withdraw(org, id);
  assert.deepEqual(unexpected(org.errors, [400, 404]), []);
});

test('the proposal list pages through a long history', { timeout: 90_000 }, async () => {
  const solo = await setupOrg();
  try {
    for (let i = 0; i < 105; i++) {
      await propose(solo, 'alice', 'all', 'agreement.adopt', `Rule ${i}`, { text: 'x' });
    }
    /* newest first */
    const ids = (await apiGet(solo, '/api/v1/proposals')).map((p) => p.id).reverse();
    const alice = await solo.page('alice');
    await signIn(alice, 'alice');
    await alice.goto('/proposals?circle=all');
    const first = await alice.locator('#proposals tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(first.slice(0, 100), ids.slice(0, 100));
    await alice.locator('#older').click();
    await alice.waitForURL((u) => u.searchParams.has('before'));
    assert.equal(new URL(alice.url()).searchParams.get('circle'), 'all');
    const second = await alice.locator('#proposals tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(second, ids.slice(100));
    assert.equal(await alice.locator('#older').count(), 0);
  } finally {
    await solo.close();
  }
});

/* The sign-in form's CSRF defence is a double-submit cookie; someone who
 * can plant that cookie (a sibling subdomain) still cannot post the form
 * from their site, since the browser says where the post comes from. */
test('a sign-in posted from another site is refused', { timeout: 30_000 }, async () => {
  const http = await import('node:http');
  const post = (headers) =>
    new Promise((resolve, reject) => {
      const body = `csrf=planted&member=alice&password=${encodeURIComponent(org.members.alice.password)}`;
      const req = http.request(
        org.server.base + '/login',
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
            Cookie: 'accord_csrf=planted',
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (const site of ['cross-site', 'same-site']) {
    const res = await post({ 'Sec-Fetch-Site': site });
    assert.equal(res.statusCode, 403, site);
    assert.equal(res.headers['set-cookie']?.some((c) => c.startsWith('accord_session=')) ?? false, false);
  }
  const ok = await post({ 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(ok.statusCode, 303);
  assert.ok(ok.headers['set-cookie'].some((c) => c.startsWith('accord_session=')));
});
