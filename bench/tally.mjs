// SPDX-License-Identifier: AGPL-3.0-or-later
// The npm side of the tally benchmark (docs/performance.md#tally): reads a
// PrefLib file that bench/tally wrote, gives a Schulze package from the npm
// registry one ballot per voter, times its count, and checks its answer
// against accord's result file (bench/tally --result).
//
// Both packages count winning votes with a Floyd-Warshall over the
// defeats, and rank candidates by how many others they beat by strongest
// paths (p[c][k] > p[k][c]): `votes` groups equal counts, `condorcet`
// lists candidates by count (a stable sort, so equal counts keep their
// numbering order). accord ranks by the layers of the same relation. So:
//   pairwise  votes' matrix against accord's d, entry by entry;
//   beats     the packages' order against the counts from accord's p;
//   winners   the first place, where accord has one winner (who then
//             beats every other candidate, so has the highest count);
//   layers    the whole ranking, where accord's is a strict order (a layer
//             per candidate: the counts then order them the same way).
// Any difference exits 1.
//
// usage: node bench/tally.mjs PACKAGE FILE RESULT
//   PACKAGE is votes or condorcet
// prints: package=NAME ballots=N options=N seconds=S ballots_per_s=N
//         pairwise=... beats=... winners=... layers=...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function die(msg) {
  process.stderr.write(`tally.mjs: ${msg}\n`);
  process.exit(2);
}

// The alternatives' count and the preference lines: [count, groups] with
// groups the alternatives best first, tied ones in one group.
function readPreflib(text) {
  let n = 0;
  const lines = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line[0] === '#') {
      const m = /^#\s*NUMBER ALTERNATIVES:\s*(\d+)/i.exec(line);
      if (m) n = Number(m[1]);
      continue;
    }
    const colon = line.indexOf(':');
    const count = Number(line.slice(0, colon));
    const groups = [];
    for (const m of line.slice(colon + 1).matchAll(/\{([^}]*)\}|([^,{}]+)/g)) {
      if ((m[1] ?? m[2]).trim() === '') continue;
      groups.push((m[1] ?? m[2]).split(',').map((s) => Number(s.trim())));
    }
    lines.push([count, groups]);
  }
  if (n === 0) die('no NUMBER ALTERNATIVES');
  return { n, lines };
}

function runVotes(n, lines) {
  const { Schulze, utils } = require('votes');
  const candidates = Array.from({ length: n }, (_, i) => String(i + 1));
  const ballots = [];
  for (const [count, groups] of lines) {
    const b = { ranking: groups.map((g) => g.map(String)), weight: 1 };
    for (let k = 0; k < count; k++) ballots.push(b);
  }
  const t0 = process.hrtime.bigint();
  const matrix = utils.matrixFromBallots(ballots, candidates);
  const method = new Schulze(matrix);
  const ranking = method.ranking();
  const t1 = process.hrtime.bigint();
  return {
    voters: ballots.length,
    seconds: Number(t1 - t0) / 1e9,
    pairwise: matrix.array,
    groups: ranking.map((g) => g.map(Number)),
  };
}

function runCondorcet(n, lines) {
  const { Schulze } = require('condorcet');
  const candidates = Array.from({ length: n }, (_, i) => i + 1);
  const ballots = [];
  for (const [count, groups] of lines) {
    const b = new Map();
    groups.forEach((g, pos) => g.forEach((c) => b.set(c, pos)));
    for (let k = 0; k < count; k++) ballots.push(b);
  }
  const t0 = process.hrtime.bigint();
  const method = new Schulze(new Set(candidates));
  for (const b of ballots) method.addBallot(b);
  const order = method.rank();
  const t1 = process.hrtime.bigint();
  return {
    voters: ballots.length,
    seconds: Number(t1 - t0) / 1e9,
    pairwise: null,
    order,
  };
}

const sameSets = (a, b) =>
  a.length === b.length &&
  a.every((g, i) => g.length === b[i].length &&
    [...g].sort((x, y) => x - y).join() === [...b[i]].sort((x, y) => x - y).join());

const [pkg, file, resultFile] = process.argv.slice(2);
if (!pkg || !file || !resultFile) die('usage: node bench/tally.mjs PACKAGE FILE RESULT');
const runners = { votes: runVotes, condorcet: runCondorcet };
if (!runners[pkg]) die(`unknown package ${pkg} (votes or condorcet)`);

const { n, lines } = readPreflib(readFileSync(file, 'utf8'));
const accord = JSON.parse(readFileSync(resultFile, 'utf8'));
const got = runners[pkg](n, lines);

// accord's beat counts, and the order both packages derive from them
const beats = accord.paths.map((row, c) =>
  row.filter((v, k) => v > accord.paths[k][c]).length);
const byCount = Array.from({ length: n }, (_, i) => i + 1)
  .sort((a, b) => beats[b - 1] - beats[a - 1]);
const countGroups = [];
for (const c of byCount) {
  const last = countGroups[countGroups.length - 1];
  if (last && beats[last[0] - 1] === beats[c - 1]) last.push(c);
  else countGroups.push([c]);
}

const verdict = {};
let bad = false;
if (got.pairwise) {
  verdict.pairwise = JSON.stringify(got.pairwise) === JSON.stringify(accord.pairwise)
    ? 'same' : 'differs';
} else {
  verdict.pairwise = 'n/a';
}
const first = got.groups ? got.groups[0] : [got.order[0]];
if (got.groups) {
  verdict.beats = sameSets(got.groups, countGroups) ? 'same' : 'differs';
} else {
  verdict.beats = got.order.join() === byCount.join() ? 'same' : 'differs';
}
if (accord.winners.length === 1) {
  verdict.winners = first.length === 1 && first[0] === accord.winners[0]
    ? 'same' : 'differs';
} else {
  verdict.winners = `n/a(${accord.winners.length}-tied)`;
}
if (accord.ranking.length === n) {
  const flat = got.groups
    ? (got.groups.every((g) => g.length === 1) ? got.groups.map((g) => g[0]) : [])
    : got.order;
  verdict.layers = flat.join() === accord.ranking.map((l) => l[0]).join()
    ? 'same' : 'differs';
} else {
  verdict.layers = `n/a(${accord.ranking.length}-layers)`;
}
for (const v of Object.values(verdict)) bad = bad || v === 'differs';

console.log(`package=${pkg} ballots=${got.voters} options=${n} ` +
  `seconds=${got.seconds.toFixed(4)} ` +
  `ballots_per_s=${Math.round(got.voters / got.seconds)} ` +
  Object.entries(verdict).map(([k, v]) => `${k}=${v}`).join(' '));
process.exit(bad ? 1 : 0);
