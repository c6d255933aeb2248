// SPDX-License-Identifier: AGPL-3.0-or-later
// The browser test setup itself: Chromium loads a page of the real
// server and takes a screenshot; members made through the API are
// active; each member browses in a context of their own.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { api, setupOrg } from './harness.mjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('chromium loads the health endpoint and takes a screenshot', { timeout: 60_000 }, async () => {
  const org = await setupOrg();
  try {
    const page = await org.page('alice');
    const res = await page.goto('/api/v1/health');
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^application\/json/);
    const body = await page.locator('body').innerText();
    assert.match(body, /"ok"/);
    assert.deepEqual(JSON.parse(body), { status: 'ok' });

    const file = await org.screenshot(page, 'health');
    const png = await readFile(file);
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'not a PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20
    assert.ok(png.readUInt32BE(16) > 0, 'empty width');
    assert.ok(png.readUInt32BE(20) > 0, 'empty height');
    assert.deepEqual(org.errors, []);
  } finally {
    const exit = await org.close();
    assert.deepEqual(exit, { code: 0, signal: null }, 'the server did not stop cleanly');
  }
});

test('members made through the API are active and can log in', { timeout: 60_000 }, async () => {
  const org = await setupOrg({ members: true, browser: false });
  try {
    const { alice, bob, carol } = org.members;
    assert.deepEqual(
      [alice.password, bob.password, carol.password].map((p) => typeof p),
      ['string', 'string', 'string'],
    );
    const r = await api(org.server, 'GET', '/api/v1/members', { token: alice.token, want: 200 });
    assert.ok(Array.isArray(r.json), `not an array: ${r.text}`);
    assert.deepEqual(
      r.json.map((m) => [m.id, m.name, m.status]),
      [
        ['alice', 'Alice', 'active'],
        ['bob', 'Bob', 'active'],
        ['carol', 'Carol', 'active'],
      ],
    );
    for (const m of [bob, carol]) {
      const me = await api(org.server, 'GET', '/api/v1/org', { token: m.token });
      assert.equal(me.status, 200, `${m.id} cannot read the organisation: ${me.text}`);
    }
    const anon = await api(org.server, 'GET', '/api/v1/members');
    assert.equal(anon.status, 401);
  } finally {
    await org.close();
  }
});

test('each member browses in a context of their own', { timeout: 60_000 }, async () => {
  const org = await setupOrg();
  try {
    const alice = await org.context('alice');
    const bob = await org.context('bob');
    assert.notEqual(alice, bob);
    assert.equal(await org.context('alice'), alice, 'a second context for alice');
    await alice.addCookies([{ name: 'probe', value: 'alice', url: org.base }]);
    assert.deepEqual(
      (await alice.cookies(org.base)).map((c) => c.value),
      ['alice'],
    );
    assert.deepEqual(await bob.cookies(org.base), []);
  } finally {
    await org.close();
  }
});
