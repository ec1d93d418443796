import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const index = new URL('../index.js', import.meta.url).href;

/** Runs `body` (ESM, with Client and ref imported) in a fresh node; returns its exit status and output. */
function runChild(body: string, timeoutMs = 20_000): { status: number | null; out: string } {
  const src = `import { Client, ref } from ${JSON.stringify(index)};\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the process exits after close() when two dependent tasks fail (a released key no longer holds a wait open)', () => {
  const { status, out } = runChild(`
    const client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 });
    const g = new Map();
    for (let i = 0; i < 2; i++) {
      g.set('a-' + i, { op: 'core.identity', args: [i] });
      g.set('b-' + i, { op: 'core.add', args: [ref('a-' + i), 'x'] });
    }
    let caught = false;
    try { await client.compute(g, ['b-0', 'b-1']); } catch { caught = true; }
    await client.close();
    console.log(caught ? 'caught' : 'no error');
  `);
  assert.equal(status, 0, `child did not exit cleanly (status ${status}; null means killed at the timeout):\n${out}`);
  assert.match(out, /caught/);
});

test('the process exits after close() following a cancellation and a finished compute', () => {
  const { status, out } = runChild(`
    const client = await Client.local({ nWorkers: 1, threadsPerWorker: 1 });
    const f = client.submit('core.sleep', 5000);
    await client.cancel(f);
    const [v] = await client.compute(new Map([['x', { op: 'core.identity', args: [7] }]]), ['x']);
    await client.close();
    console.log('value', v);
  `);
  assert.equal(status, 0, `child did not exit cleanly (status ${status}):\n${out}`);
  assert.match(out, /value 7/);
});
