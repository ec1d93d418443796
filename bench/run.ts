/**
 * `npm run bench -- <suite...> [--runs N]`: runs the named suites, prints each
 * one's table and writes its rows to `bench/results/<suite>-<date>.json`.
 *
 * A suite named `x` lives in `bench/x.ts` and exports `suite: Suite`, so a new
 * suite needs no change here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, writeResults, type Suite } from './harness.js';

const KNOWN = ['runtime', 'kernels', 'collections', 'ml', 'nats'];
const USAGE = `usage: npm run bench -- <suite...> [--runs N] [--quick] [--shoal-only]
suites: ${KNOWN.join(', ')} (a suite x is bench/x.ts exporting \`suite\`)
needs the Python baselines: bench/setup.sh`;

async function loadSuite(name: string): Promise<Suite> {
  if (!/^[a-z][\w-]*$/.test(name)) throw new TypeError(`bench: suite names are words, got ${JSON.stringify(name)}\n${USAGE}`);
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), `${name}.js`);
  if (!existsSync(file)) throw new Error(`bench: no suite ${JSON.stringify(name)} (expected ${file}; run npm run build:ts)\n${USAGE}`);
  const mod = (await import(pathToFileURL(file).href)) as { suite?: Suite };
  if (!mod.suite || typeof mod.suite.run !== 'function') throw new TypeError(`bench: ${file} must export suite: Suite with a run() method`);
  return mod.suite;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false }, 'shoal-only': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`bench: --runs must be an integer >= 1, got ${values.runs}`);
  const suites = await Promise.all(positionals.map(loadSuite));
  for (const suite of suites) {
    console.log(`\n== ${suite.name}: ${suite.description} (median of ${runs} runs per side)`);
    const rows = await suite.run({ runs, quick: values.quick, shoalOnly: values['shoal-only'] });
    console.log(formatTable(rows));
    // Smoke and shoal-only runs are not the figures: keep them out of the dated result file.
    const tag = [values.quick ? '-quick' : '', values['shoal-only'] ? '-shoal-only' : ''].join('');
    const out = await writeResults(`${suite.name}${tag}`, rows, { runs, notes: suite.notes?.() ?? {} });
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
