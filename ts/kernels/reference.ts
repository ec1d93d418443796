/**
 * NumPy / scikit-learn reference values for the kernel tests, recorded by
 * `scripts/reference/kernels_reference.py` (the command is inside the JSON).
 */
import { readFileSync } from 'node:fs';

// dist/ts/kernels/reference.js → repository root is three levels up.
const url = new URL('../../../scripts/reference/kernels_reference.json', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(url, 'utf8'));

/** Asserts |a − b| ≤ tol·(1 + |b|) elementwise, naming the first mismatch. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      throw new Error(`${what}[${i}]: ${a}, expected ${e} (tol ${tol})`);
    }
  }
}
