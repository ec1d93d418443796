/**
 * `shoal datasets <name> …`: writes example data sets to disk.
 *
 *   shoal datasets taxi --rows 1000000 --out data/taxi [--partitions 4] [--row-group-size 100000] [--seed 0]
 */
import { parseArgs } from 'node:util';
import { makeTaxi } from '../collections/datasets/taxi.js';

const USAGE = 'usage: shoal datasets taxi --rows N --out DIR [--partitions P] [--row-group-size R] [--seed S]';

function int(name: string, v: string | undefined, dflt?: number): number | undefined {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name}: expected a non-negative integer, got '${v}'`);
  return n;
}

/** Runs the command; returns the process exit code. */
export function datasetsCommand(argv: string[], log: (line: string) => void = console.log): number {
  const [name, ...rest] = argv;
  if (name !== 'taxi') { log(USAGE); return name === undefined || name === '--help' ? 0 : 2; }
  const { values } = parseArgs({ args: rest, options: { rows: { type: 'string' }, out: { type: 'string' }, partitions: { type: 'string' }, 'row-group-size': { type: 'string' }, seed: { type: 'string' } } });
  if (values.rows === undefined || values.out === undefined) { log(USAGE); return 2; }
  const started = Date.now();
  const paths = makeTaxi({ rows: int('rows', values.rows)!, out: values.out, partitions: int('partitions', values.partitions), rowGroupSize: int('row-group-size', values['row-group-size']), randomState: int('seed', values.seed, 0) });
  log(`wrote ${paths.length} file(s), ${values.rows} rows, to ${values.out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}
