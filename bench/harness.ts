/**
 * The benchmark harness every suite in `bench/` uses.
 *
 * A suite measures shoal and a baseline (usually the Python stack, run from
 * `bench/python/` inside `bench/.venv`) in the same run, and returns one
 * {@link ResultRow} per case. The harness takes medians, computes the ratio so
 * that a higher ratio is always better for shoal whatever the unit, checks the
 * issue's target where there is one, prints a table and writes the rows with a
 * description of the machine to `bench/results/<suite>-<date>.json`.
 *
 * @example
 * ```ts
 * import { measure, runPython, makeRow, type Suite } from './harness.js';
 * export const suite: Suite = {
 *   name: 'example',
 *   description: 'one case',
 *   async run({ runs }) {
 *     const py = await runPython('example_numpy.py', ['--runs', String(runs)]);
 *     const shoal = await measure(() => work(), { runs });
 *     return [makeRow({ case: 'work', unit: 'ms', better: 'lower',
 *       shoal: shoal.median, baseline: medianOf(py, 'work'), baselineName: 'numpy' })];
 *   },
 * };
 * ```
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/** Which direction of a unit is good: `higher` for throughput, `lower` for times. */
export type Better = 'higher' | 'lower';

/**
 * A goal an issue sets for a case. `on: 'ratio'` bounds the shoal/baseline
 * ratio (e.g. "at least 5x Dask's tasks per second" is `{ on: 'ratio', atLeast: 5 }`);
 * `on: 'shoal'` bounds shoal's own figure in the row's unit
 * (e.g. "under 0.2 ms" is `{ on: 'shoal', atMost: 0.2 }`).
 */
export interface Target {
  on: 'ratio' | 'shoal';
  atLeast?: number;
  atMost?: number;
}

/** One measured case: shoal's figure, the baseline's, and how they compare. */
export interface ResultRow {
  /** Case name, unique within a suite, e.g. `throughput.embarrassing`. */
  case: string;
  /** Unit of `shoal` and `baseline`, e.g. `tasks/s` or `ms`. */
  unit: string;
  /** Whether a higher or a lower figure is better in this unit. */
  better: Better;
  /** shoal's median, or null when shoal could not run this case. */
  shoal: number | null;
  /** The baseline's median, or null when the baseline could not run. */
  baseline: number | null;
  /** What the baseline is, e.g. `dask.distributed 2025.1.0 LocalCluster(processes=False)`. */
  baselineName: string;
  /** How many times better shoal is (>1: shoal wins), whatever the unit; null if a side is missing. */
  ratio: number | null;
  /** The target, where one is set. */
  target?: Target;
  /** Whether the target is met; present exactly when `target` is. */
  met?: boolean;
  /** Raw samples behind the medians, and anything else worth keeping. */
  detail?: Record<string, unknown>;
}

/** What a suite receives from `bench/run.ts`. */
export interface SuiteOptions {
  /** Repetitions per side per case; medians are taken over them. */
  runs: number;
  /** A smaller configuration for a smoke run (`--quick`): its figures are not the issue's. */
  quick?: boolean;
  /** Measure shoal only (`--shoal-only`), for quick iteration on shoal: rows get baseline null. */
  shoalOnly?: boolean;
}

/** A benchmark suite: `bench/<name>.ts` exports `suite` and `bench/run.ts` finds it by name. */
export interface Suite {
  name: string;
  description: string;
  run(options: SuiteOptions): Promise<ResultRow[]>;
  /** Anything the suite wants recorded beside the rows (configuration, caveats). */
  notes?: () => Record<string, unknown>;
}

/** The median of a non-empty list of finite numbers (mean of the two middle ones for even lengths). */
export function median(samples: readonly number[]): number {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new TypeError(`median: samples must be a non-empty array of numbers, got ${describe(samples)}`);
  }
  for (const [i, x] of samples.entries()) {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new TypeError(`median: samples[${i}] must be a finite number, got ${describe(x)}`);
    }
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How many times better shoal is than the baseline: `shoal / baseline` when
 * higher is better (throughput), `baseline / shoal` when lower is better (time).
 * Null when either side is missing.
 */
export function ratioFor(better: Better, shoal: number | null, baseline: number | null): number | null {
  if (better !== 'higher' && better !== 'lower') {
    throw new TypeError(`ratioFor: better must be 'higher' or 'lower', got ${describe(better)}`);
  }
  if (shoal === null || baseline === null) return null;
  for (const [name, v] of [['shoal', shoal], ['baseline', baseline]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`ratioFor: ${name} must be a positive finite number or null, got ${describe(v)}`);
    }
  }
  return better === 'higher' ? shoal / baseline : baseline / shoal;
}

/** Whether `target` holds for shoal's figure and the ratio; false when the figure it bounds is missing. */
export function targetMet(target: Target, shoal: number | null, ratio: number | null): boolean {
  const value = target.on === 'ratio' ? ratio : shoal;
  if (value === null) return false;
  if (target.atLeast !== undefined && !(value >= target.atLeast)) return false;
  if (target.atMost !== undefined && !(value <= target.atMost)) return false;
  return true;
}

/** The inputs of {@link makeRow}: a row without the derived `ratio` and `met`. */
export type RowInput = Omit<ResultRow, 'ratio' | 'met'>;

/** Builds a validated row, deriving `ratio` (higher is better for shoal) and `met`. */
export function makeRow(input: RowInput): ResultRow {
  const ratio = ratioFor(input.better, input.shoal, input.baseline);
  const row: ResultRow = { ...input, ratio };
  if (input.target !== undefined) row.met = targetMet(input.target, input.shoal, ratio);
  validateRow(row);
  return row;
}

/** Throws a TypeError naming the field when `row` is not a well-formed {@link ResultRow}. */
export function validateRow(row: unknown): asserts row is ResultRow {
  if (typeof row !== 'object' || row === null) {
    throw new TypeError(`validateRow: row must be an object, got ${describe(row)}`);
  }
  const r = row as Record<string, unknown>;
  const fail = (field: string, expected: string): never => {
    throw new TypeError(`validateRow: row.${field} must be ${expected}, got ${describe(r[field])} (case ${describe(r.case)})`);
  };
  if (typeof r.case !== 'string' || r.case === '') fail('case', 'a non-empty string');
  if (typeof r.unit !== 'string' || r.unit === '') fail('unit', 'a non-empty string');
  if (r.better !== 'higher' && r.better !== 'lower') fail('better', "'higher' or 'lower'");
  for (const side of ['shoal', 'baseline'] as const) {
    const v = r[side];
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) fail(side, 'a positive finite number or null');
  }
  if (typeof r.baselineName !== 'string' || r.baselineName === '') fail('baselineName', 'a non-empty string');
  const expected = ratioFor(r.better as Better, r.shoal as number | null, r.baseline as number | null);
  if (r.ratio !== expected) fail('ratio', `${describe(expected)} (derived from better, shoal and baseline)`);
  if (r.target !== undefined) {
    const t = r.target as Record<string, unknown> | null;
    if (typeof t !== 'object' || t === null || (t.on !== 'ratio' && t.on !== 'shoal')) fail('target', "an object with on: 'ratio' | 'shoal'");
    if (t!.atLeast === undefined && t!.atMost === undefined) fail('target', 'an object with atLeast and/or atMost');
    for (const bound of ['atLeast', 'atMost'] as const) {
      if (t![bound] !== undefined && !(typeof t![bound] === 'number' && Number.isFinite(t![bound]))) fail(`target.${bound}`, 'a finite number');
    }
    if (typeof r.met !== 'boolean') fail('met', 'a boolean when target is set');
    if (r.met !== targetMet(t as unknown as Target, r.shoal as number | null, r.ratio as number | null)) {
      fail('met', 'consistent with target, shoal and ratio');
    }
  } else if (r.met !== undefined) {
    fail('met', 'absent when no target is set');
  }
}

/** Samples and median of a repeated measurement. */
export interface Measurement {
  samples: number[];
  median: number;
}

/**
 * Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the
 * per-run figures and their median. By default a run's figure is its wall time
 * in milliseconds; when `fn` returns a number, that number is the figure
 * (for runs that time only part of their work, or report a rate).
 */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  { runs, warmup = 1 }: { runs: number; warmup?: number },
): Promise<Measurement> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`measure: runs must be an integer >= 1, got ${describe(runs)}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`measure: warmup must be an integer >= 0, got ${describe(warmup)}`);
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = await fn();
    const elapsed = performance.now() - start;
    samples.push(typeof out === 'number' ? out : elapsed);
  }
  return { samples, median: median(samples) };
}

/** The repository root (the folder holding package.json), found from this file whether run from `bench/` or `dist/bench/`. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'bench'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`repoRoot: no package.json with a bench/ folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The venv's python interpreter; `bench/setup.sh` creates it. */
export function venvPython(): string {
  return path.join(repoRoot(), 'bench', '.venv', 'bin', 'python');
}

/**
 * Runs `bench/python/<script>` with the venv's python and returns the JSON
 * object the script prints as the last non-empty line of its stdout (earlier
 * lines and stderr are free for logs). Throws with the script's stderr when it
 * exits non-zero or prints no JSON, and tells how to create the venv when it is missing.
 */
export async function runPython(
  script: string,
  args: readonly string[] = [],
  { timeoutMs = 600_000 }: { timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  if (typeof script !== 'string' || !/^[\w.-]+\.py$/.test(script)) {
    throw new TypeError(`runPython: script must be a file name in bench/python ending in .py, got ${describe(script)}`);
  }
  const python = venvPython();
  if (!existsSync(python)) throw new Error(`runPython: ${python} is missing; run bench/setup.sh first`);
  const scriptPath = path.join(repoRoot(), 'bench', 'python', script);
  if (!existsSync(scriptPath)) throw new Error(`runPython: no baseline script ${scriptPath}`);
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(python, [scriptPath, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`runPython: ${script} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
  const last = stdout.trim().split('\n').filter((l) => l.trim() !== '').at(-1);
  let parsed: unknown;
  try {
    parsed = last === undefined ? undefined : JSON.parse(last);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`runPython: ${script} must print a JSON object as its last stdout line, got ${describe(last)}\nstderr:\n${stderr}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The conventional shape of a baseline script's JSON: what the baseline is,
 * its library versions, and per case the per-run figures.
 * `{"baselineName": "...", "versions": {...}, "cases": {"<case>": {"samples": [..]}}}`
 */
export interface BaselineResult {
  baselineName: string;
  versions: Record<string, string>;
  cases: Record<string, { samples: number[] }>;
}

/** Checks that `json` (from {@link runPython}) has the {@link BaselineResult} shape. */
export function asBaselineResult(json: Record<string, unknown>, script = 'baseline script'): BaselineResult {
  if (typeof json.baselineName !== 'string') throw new TypeError(`${script}: baselineName must be a string, got ${describe(json.baselineName)}`);
  const cases = json.cases as Record<string, unknown> | undefined;
  if (typeof cases !== 'object' || cases === null) throw new TypeError(`${script}: cases must be an object, got ${describe(cases)}`);
  for (const [name, c] of Object.entries(cases)) {
    const samples = (c as { samples?: unknown } | null)?.samples;
    if (!Array.isArray(samples) || samples.length === 0 || !samples.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new TypeError(`${script}: cases.${name}.samples must be a non-empty array of finite numbers, got ${describe(samples)}`);
    }
  }
  return { baselineName: json.baselineName, versions: (json.versions ?? {}) as Record<string, string>, cases: cases as BaselineResult['cases'] };
}

/** The samples and median a baseline reported for one case; throws naming the case when it is absent. */
export function baselineCase(result: BaselineResult, name: string): Measurement {
  const c = result.cases[name];
  if (c === undefined) throw new Error(`baselineCase: the baseline reported no case ${describe(name)}; it has ${Object.keys(result.cases).join(', ')}`);
  return { samples: c.samples, median: median(c.samples) };
}

/** The machine a result was measured on. */
export interface MachineInfo {
  cpuModel: string;
  /** `family F model M` from /proc/cpuinfo (Linux): tells CPU generations apart where the model
   * name does not (a VM's "AMD EPYC" is Zen 4 at family 25, Zen 5 at 26); null elsewhere. */
  cpuFamily: string | null;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  python: string | null;
  rust: string | null;
  /** Load average over 1, 5 and 15 minutes when the suite ended: a hint of how noisy the machine was. */
  loadAverage: number[];
}

async function commandOutput(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve(err ? null : (stdout || stderr).trim()));
  });
}

function cpuFamily(): string | null {
  if (!existsSync('/proc/cpuinfo')) return null;
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(\\S+)`, 'm').exec(info)?.[1];
  const [family, model] = [field('cpu family'), field('model')];
  return family === undefined ? null : `family ${family} model ${model ?? '?'}`;
}

/** Describes this machine: CPU, cores, memory, and the node/python/rust versions in use. */
export async function machineInfo(): Promise<MachineInfo> {
  const cpus = os.cpus();
  const python = existsSync(venvPython()) ? await commandOutput(venvPython(), ['--version']) : null;
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuFamily: cpuFamily(),
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python,
    rust: await commandOutput('rustc', ['--version']),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Formats a number with about four significant digits, keeping large ones whole. */
export function formatNumber(x: number | null): string {
  if (x === null) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(4)).toString();
}

/** Renders rows as a plain-text table: case, unit, shoal, baseline, ratio, target. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['case', 'unit', 'shoal', 'baseline', 'ratio (x better)', 'target', 'met'];
  const body = rows.map((r) => [
    r.case,
    r.unit,
    formatNumber(r.shoal),
    `${formatNumber(r.baseline)}`,
    r.ratio === null ? '-' : `${formatNumber(r.ratio)}x`,
    r.target ? describeTarget(r.target, r.unit) : '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const baselines = [...new Set(rows.map((r) => r.baselineName))].map((b) => `baseline: ${b}`);
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ...baselines].join('\n');
}

/** A short human reading of a target, e.g. `ratio >= 5` or `<= 0.2 ms`. */
export function describeTarget(target: Target, unit: string): string {
  const parts: string[] = [];
  const subject = target.on === 'ratio' ? 'ratio ' : '';
  const suffix = target.on === 'ratio' ? '' : ` ${unit}`;
  if (target.atLeast !== undefined) parts.push(`${subject}>= ${target.atLeast}${suffix}`);
  if (target.atMost !== undefined) parts.push(`${subject}<= ${target.atMost}${suffix}`);
  return parts.join(', ');
}

/** What `bench/results/<suite>-<date>.json` holds. */
export interface ResultFile {
  suite: string;
  date: string;
  machine: MachineInfo;
  runs: number;
  notes: Record<string, unknown>;
  rows: ResultRow[];
}

/**
 * Validates the rows and writes them with the machine description to
 * `bench/results/<suite>-<YYYY-MM-DD>.json` (a later run on the same day
 * replaces the file). Returns the path written.
 */
export async function writeResults(
  suite: string,
  rows: readonly ResultRow[],
  { runs, notes = {}, dir = path.join(repoRoot(), 'bench', 'results'), now = new Date() }:
    { runs: number; notes?: Record<string, unknown>; dir?: string; now?: Date },
): Promise<string> {
  if (typeof suite !== 'string' || !/^[\w-]+$/.test(suite)) throw new TypeError(`writeResults: suite must be a word, got ${describe(suite)}`);
  rows.forEach((r) => validateRow(r));
  const date = now.toISOString().slice(0, 10);
  const file: ResultFile = { suite, date: now.toISOString(), machine: await machineInfo(), runs, notes, rows: [...rows] };
  await mkdir(dir, { recursive: true });
  const out = path.join(dir, `${suite}-${date}.json`);
  await writeFile(out, JSON.stringify(file, null, 2) + '\n');
  return out;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? v.slice(0, 200) + '…' : v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return `array of length ${v.length}`;
  return typeof v;
}
