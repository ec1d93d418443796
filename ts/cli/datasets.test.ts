import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsCommand } from './datasets.js';
import { inspectParquet } from '../collections/dataframe/parquet.js';

test('shoal datasets taxi --rows N --out DIR writes the files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-cli-'));
  try {
    const lines: string[] = [];
    const code = datasetsCommand(['taxi', '--rows', '3_000', '--out', dir, '--partitions', '2', '--seed', '5'], (l) => lines.push(l));
    assert.equal(code, 0);
    assert.match(lines[0], /wrote 2 file\(s\), 3_000 rows/);
    assert.deepEqual(readdirSync(dir).sort(), ['part.00000.parquet', 'part.00001.parquet']);
    const { pieces } = await inspectParquet(readdirSync(dir).sort().map((f) => join(dir, f)));
    assert.equal(pieces.reduce((a, p) => a + p.rows, 0), 3_000);
    assert.equal(datasetsCommand(['taxi', '--rows', '10'], () => {}), 2);
    assert.throws(() => datasetsCommand(['taxi', '--rows', 'ten', '--out', dir], () => {}), /--rows: expected a non-negative integer, got 'ten'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
