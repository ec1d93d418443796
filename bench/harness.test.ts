import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  asBaselineResult, baselineCase, formatTable, makeRow, measure, median, ratioFor, targetMet, validateRow, writeResults,
  type ResultRow,
} from './harness.js';

describe('median', () => {
  it('takes the middle of an odd list and the mean of the two middles of an even one, whatever the order', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });
  it('agrees with a brute-force definition on random lists', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const xs = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => Math.round(rand() * 100));
      // The median m is a value with at most half the samples strictly below and at most half strictly above.
      const m = median(xs);
      assert.ok(xs.filter((x) => x < m).length <= xs.length / 2, `${xs} -> ${m}`);
      assert.ok(xs.filter((x) => x > m).length <= xs.length / 2, `${xs} -> ${m}`);
    }
  });
  it('rejects empty and non-finite samples, naming the argument', () => {
    assert.throws(() => median([]), /median: samples must be a non-empty array/);
    assert.throws(() => median([1, NaN]), /samples\[1\] must be a finite number, got NaN/);
  });
});

describe('ratioFor', () => {
  it('is shoal/baseline for throughput and baseline/shoal for time, so > 1 always means shoal is better', () => {
    assert.equal(ratioFor('higher', 5000, 1000), 5);
    assert.equal(ratioFor('lower', 0.1, 1), 10);
    assert.equal(ratioFor('lower', 2, 1), 0.5);
    assert.equal(ratioFor('higher', 1, null), null);
  });
  it('rejects a bad direction and non-positive figures', () => {
    assert.throws(() => ratioFor('up' as 'higher', 1, 1), /better must be 'higher' or 'lower', got "up"/);
    assert.throws(() => ratioFor('lower', 0, 1), /shoal must be a positive finite number or null, got 0/);
  });
});

describe('targets', () => {
  it('bounds the ratio or shoal’s own figure', () => {
    assert.equal(targetMet({ on: 'ratio', atLeast: 5 }, 100, 5), true);
    assert.equal(targetMet({ on: 'ratio', atLeast: 5 }, 100, 4.99), false);
    assert.equal(targetMet({ on: 'shoal', atMost: 0.2 }, 0.15, 30), true);
    assert.equal(targetMet({ on: 'shoal', atMost: 0.2 }, 0.25, 30), false);
    assert.equal(targetMet({ on: 'ratio', atLeast: 5 }, null, null), false);
  });
});

describe('makeRow / validateRow', () => {
  const base = { case: 'c', unit: 'ms', better: 'lower' as const, shoal: 0.1, baseline: 1, baselineName: 'dask' };
  it('derives ratio and met', () => {
    const row = makeRow({ ...base, target: { on: 'shoal', atMost: 0.2 } });
    assert.equal(row.ratio, 10);
    assert.equal(row.met, true);
    assert.equal('met' in makeRow(base), false);
  });
  it('rejects rows whose ratio or met disagree with their figures', () => {
    const row = makeRow(base);
    assert.throws(() => validateRow({ ...row, ratio: 0.1 }), /row.ratio must be 10/);
    assert.throws(() => validateRow({ ...row, met: true }), /row.met must be absent/);
    assert.throws(() => validateRow({ ...row, target: { on: 'ratio', atLeast: 5 }, met: false }), /row.met must be consistent/);
    assert.throws(() => validateRow({ ...row, unit: '' }), /row.unit must be a non-empty string, got ""/);
    assert.throws(() => validateRow({ ...row, shoal: -1, ratio: null }), /row.shoal must be a positive finite number or null/);
  });
});

describe('measure', () => {
  it('runs warm-ups unmeasured, then uses the returned number as the figure', async () => {
    let calls = 0;
    const m = await measure(() => ++calls, { runs: 3, warmup: 2 });
    assert.equal(calls, 5);
    assert.deepEqual(m.samples, [3, 4, 5]);
    assert.equal(m.median, 4);
  });
  it('times runs that return nothing, in milliseconds', async () => {
    const m = await measure(() => new Promise((r) => setTimeout(r, 20)), { runs: 2, warmup: 0 });
    for (const s of m.samples) assert.ok(s >= 19 && s < 1000, `sample ${s}`);
  });
});

describe('baseline results', () => {
  it('reads the conventional shape and rejects a case without samples', () => {
    const r = asBaselineResult({ baselineName: 'dask', versions: { dask: '1' }, cases: { a: { samples: [3, 1, 2] } } });
    assert.deepEqual(baselineCase(r, 'a'), { samples: [3, 1, 2], median: 2 });
    assert.throws(() => baselineCase(r, 'b'), /no case "b"; it has a/);
    assert.throws(() => asBaselineResult({ baselineName: 'x', cases: { a: { samples: [] } } }), /cases.a.samples must be a non-empty array/);
  });
});

describe('writeResults and formatTable', () => {
  it('writes validated rows with the machine description under <suite>-<date>.json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoal-bench-'));
    try {
      const rows: ResultRow[] = [makeRow({ case: 'tp', unit: 'tasks/s', better: 'higher', shoal: 6000, baseline: 1000, baselineName: 'dask', target: { on: 'ratio', atLeast: 5 } })];
      const out = await writeResults('unit', rows, { runs: 3, dir, now: new Date('2026-01-02T03:04:05Z') });
      assert.equal(path.basename(out), 'unit-2026-01-02.json');
      const file = JSON.parse(await readFile(out, 'utf8'));
      assert.equal(file.suite, 'unit');
      assert.equal(file.rows[0].ratio, 6);
      assert.equal(file.rows[0].met, true);
      assert.equal(file.machine.cores, os.cpus().length);
      assert.equal(file.machine.node, process.version);
      await assert.rejects(writeResults('unit', [{ ...rows[0]!, ratio: 2 }], { runs: 1, dir }), /row.ratio must be 6/);
      const table = formatTable(rows);
      assert.match(table, /tp\s+tasks\/s\s+6,000\s+1,000\s+6x\s+ratio >= 5\s+yes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
