/** The scikit-learn reference numbers (scripts/reference/ml_reference.py → testdata/sklearn.json). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../../../ts/ml/testdata/sklearn.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const sk: any = JSON.parse(readFileSync(file, 'utf8'));

/** |a − b| ≤ tol · max(1, |b|) elementwise, with the index of the first miss in the message. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'value'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!(Math.abs(actual[i] - e) <= tol * Math.max(1, Math.abs(e)))) throw new Error(`${what}[${i}]: ${actual[i]}, expected ${e} (tol ${tol})`);
  }
}
