/**
 * Fitting several estimators at once — what Dask users write as
 * `dask.compute(*[dask.delayed(clone(est).fit)(X, y) for est in estimators])`.
 *
 * `delayedFit(estimator, X, y?, ...fitArgs)` records a fit without running
 * it: a snapshot of the estimator's hyper-parameters (later `setParams` on the
 * original change nothing) and its arguments. `computeFits(handles)` runs them
 * all at once and returns new fitted estimators in input order; the originals
 * stay unfitted, as with clone + fit. `fitMany(estimators, X, y)` is the
 * common case: every estimator on the same data.
 *
 * On a cluster (the active Client, or `client`) each fit is one task of the
 * op `ml.delayed.fit`, which rebuilds the estimator on the worker from its
 * registered class name and hyper-parameters (no code travels; see
 * `registerEstimator`), and the fitted model comes back as a model file's
 * bytes (ts/ml/persistence.ts). Every distinct argument travels once — by
 * identity: the same X object in ten fits is one value; fit options after y
 * count entry by entry, so `{ sampleWeight: w }` written for each fit sends
 * `w` once — scattered to every
 * worker when several fits use it (`broadcast`, as the searches do), to one
 * worker when a single fit does (the scheduler then runs that fit there). A
 * shoal Array or DataFrame is computed once, on the cluster, into the one
 * in-memory value its `compute()` would give, and handed to its fits by key:
 * it never passes through this process. Without a client (or with
 * `client: 'local'`) the same fits run one after another on this thread.
 *
 * A fit that throws does not lose the others: with `errors: 'raise'` (the
 * default, as `dask.compute`) every fit still runs to its end, then the first
 * failure in input order is thrown as a DelayedFitError naming the estimator
 * and carrying the remote type, message and worker stack, with every outcome
 * in `error.results`; with `errors: 'return'` the failures take their places
 * in the returned list (as `Promise.allSettled`, or distributed's
 * `gather(errors=…)` without dropping them).
 *
 * @example
 * const [lr, clf, km] = await computeFits([
 *   delayedFit(new LinearRegression(), X, yReg),
 *   delayedFit(new LogisticRegression({ C: 0.1 }), X, yClass),
 *   delayedFit(new KMeans({ nClusters: 3, randomState: 0 }), X),
 * ]);
 * const fitted = await fitMany([new Ridge(), new Lasso()], X, y, { client });
 */
import { Client } from '../actors/client.js';
import { RemoteError } from '../actors/errors.js';
import type { Future } from '../actors/future.js';
import { ref, type TaskSpec } from '../actors/graph.js';
import { submitKeys } from '../collections/graph/compute.js';
import { mergeLayers, tokenize, withLayer, type Layers } from '../collections/graph/layers.js';
import { BaseEstimator, type Params } from './base.js';
import { DataFrame, ShoalArray } from './collections-bridge.js';
import { arrayValue } from './delayed-ops.js';
import { isPlainObject } from './model_selection/param-grid.js';
import { activeClient } from './model_selection/search.js';
import { modelFromBytes } from './persistence.js';
import { registeredName } from './registry.js';

/** An estimator `computeFits` can fit: `fit(X, y?, ...)` returning a Promise. */
export type Fittable = BaseEstimator<Params> & { fit(...args: any[]): Promise<unknown> };

/** The fitted estimator a handle gives. */
export type FittedOf<D> = D extends DelayedFit<infer E> ? E : never;

export interface ComputeFitsOptions {
  /** where the fits run: a Client, 'local' (this thread, one after another), or null/undefined: the active client if there is one, else this thread */
  client?: Client | 'local' | null;
  /** 'raise' (default): after every fit has ended, throw the first failure (all outcomes on `error.results`); 'return': a failure takes its fit's place in the result */
  errors?: 'raise' | 'return';
  /** show a terminal progress bar while the fits run on the cluster */
  progress?: boolean;
}

/** A lazy fit: made by `delayedFit`, run by `computeFits` (several at once) or its own `compute()`. */
export class DelayedFit<E extends Fittable = Fittable> {
  /** the graph key of this fit's task (one per handle, as a Dask Delayed's key) */
  readonly key: string;
  readonly #estimator: E;
  readonly #args: readonly unknown[];

  /** @internal use `delayedFit` */
  constructor(estimator: E, args: readonly unknown[]) {
    this.#estimator = estimator;
    this.#args = args;
    this.key = `fit-${estimator.constructor.name}-${tokenize('delayed-fit', estimator.constructor.name, Math.random())}`;
  }

  /** An unfitted copy of the estimator as it was when the fit was made. */
  get estimator(): E { return this.#estimator.clone(); }

  /** The arguments `fit` will get (X, y, and any more). */
  get args(): readonly unknown[] { return this.#args; }

  /** Runs this fit alone; `computeFits([a, b, c])` runs several at once. */
  async compute(options: ComputeFitsOptions = {}): Promise<E> {
    const [out] = await computeFits([this], options);
    return out as E;
  }

  /** @internal the snapshot itself (not a copy), for computeFits */
  get snapshot(): E { return this.#estimator; }
}

/**
 * Records `estimator.fit(X, y, ...fitArgs)` to run later, in `computeFits`,
 * on a snapshot of the estimator's hyper-parameters.
 * @example const h = delayedFit(new LinearRegression(), X, y); const [lr] = await computeFits([h]);
 */
export function delayedFit<E extends Fittable>(estimator: E, X: unknown, y?: unknown, ...fitArgs: unknown[]): DelayedFit<E> {
  return handleOf('delayedFit', 'estimator', estimator, [X, y, ...fitArgs]);
}

function handleOf<E extends Fittable>(owner: string, what: string, estimator: E, args: unknown[]): DelayedFit<E> {
  checkEstimator(owner, estimator, what);
  checkData(owner, 'X', args[0]);
  while (args.length > 1 && args[args.length - 1] === undefined) args.pop();
  let snapshot: E;
  try {
    snapshot = estimator.clone();
  } catch (err) {
    throw new TypeError(`${owner}: the hyper-parameters of ${estimator.constructor.name} cannot be copied (${(err as Error).message}); they must be data (numbers, strings, arrays, plain objects, estimators)`, { cause: err });
  }
  return new DelayedFit(snapshot, args);
}

/**
 * Fits every handle at once and returns the fitted estimators in input order
 * (new objects; see the module header for where they run and how errors come back).
 * @example const [a, b] = await computeFits([delayedFit(lrA, X, y), delayedFit(lrB, X2, y2)], { client });
 */
export function computeFits<const T extends readonly DelayedFit<any>[]>(handles: T, options?: ComputeFitsOptions & { errors?: 'raise' }): Promise<{ -readonly [K in keyof T]: FittedOf<T[K]> }>;
export function computeFits<const T extends readonly DelayedFit<any>[]>(handles: T, options: ComputeFitsOptions & { errors: 'return' }): Promise<{ -readonly [K in keyof T]: FittedOf<T[K]> | DelayedFitError }>;
export function computeFits(handles: readonly DelayedFit[], options?: ComputeFitsOptions): Promise<unknown[]>;
export async function computeFits(handles: readonly DelayedFit[], options: ComputeFitsOptions = {}): Promise<unknown[]> {
  if (!Array.isArray(handles)) throw new TypeError(`computeFits: handles must be an array of delayedFit(...) handles, got ${describe(handles)}`);
  handles.forEach((h, i) => {
    if (!(h instanceof DelayedFit)) throw new TypeError(`computeFits: handles[${i}] must be a delayedFit(...) handle, got ${describe(h)}; for estimators and data use fitMany(estimators, X, y)`);
  });
  const { client: given = null, errors = 'raise', progress = false } = options;
  if (given !== null && given !== 'local' && !(given instanceof Client)) throw new TypeError(`computeFits: options.client must be a Client, 'local' or null, got ${describe(given)}`);
  if (errors !== 'raise' && errors !== 'return') throw new RangeError(`computeFits: options.errors must be 'raise' or 'return', got ${JSON.stringify(errors)}`);
  if (typeof progress !== 'boolean') throw new TypeError(`computeFits: options.progress must be a boolean, got ${describe(progress)}`);
  if (handles.length === 0) return [];
  const client = given === 'local' ? null : given ?? activeClient();
  const outcomes = client === null ? await fitHere(handles) : await fitOnCluster(client, handles, progress);
  const failed = outcomes.filter((o) => !o.ok).length;
  const results: unknown[] = outcomes.map((o, i) => (o.ok ? o.fitted : fitError(handles, i, o, errors === 'raise' ? failed : 1)));
  if (errors === 'raise' && failed > 0) {
    const first = results.find((r) => r instanceof DelayedFitError) as DelayedFitError;
    first.results = results;
    throw first;
  }
  return results;
}

/**
 * Fits every estimator on the same data at once (the data travel once): `computeFits` of `delayedFit(e, X, y)` for each.
 * @example const [lr, ridge] = await fitMany([new LinearRegression(), new LinearRegression({ fitIntercept: false })], X, y);
 */
export function fitMany<const T extends readonly Fittable[]>(estimators: T, X: unknown, y?: unknown, options?: ComputeFitsOptions & { errors?: 'raise' }): Promise<{ -readonly [K in keyof T]: T[K] }>;
export function fitMany<const T extends readonly Fittable[]>(estimators: T, X: unknown, y: unknown, options: ComputeFitsOptions & { errors: 'return' }): Promise<{ -readonly [K in keyof T]: T[K] | DelayedFitError }>;
export function fitMany(estimators: readonly Fittable[], X: unknown, y?: unknown, options: ComputeFitsOptions = {}): Promise<unknown[]> {
  if (!Array.isArray(estimators)) return Promise.reject(new TypeError(`fitMany: estimators must be an array of estimators, got ${describe(estimators)}`));
  let handles: DelayedFit[];
  try {
    handles = estimators.map((e, i) => handleOf('fitMany', `estimators[${i}]`, e, [X, y]));
  } catch (err) {
    return Promise.reject(err);
  }
  return computeFits(handles, options);
}

/** One fit failed: which estimator (its place in the input, class and hyper-parameters), where, and the error as thrown there. */
export class DelayedFitError extends Error {
  override name = 'DelayedFitError';
  /** set on the error `errors: 'raise'` throws: every fit's outcome in input order, a fitted estimator or its DelayedFitError */
  results?: unknown[];

  constructor(
    message: string,
    /** the fit's place in the input */
    readonly index: number,
    /** the estimator's class name */
    readonly estimatorName: string,
    readonly params: Params,
    /** the thrown error's type (`RangeError`, …) and message */
    readonly errorType: string,
    readonly errorMessage: string,
    /** the stack where the fit threw (a worker's, or this thread's) */
    readonly remoteStack: string,
    /** the worker that ran the fit, or 'client' for a fit on this thread */
    readonly workerId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    if (remoteStack) this.stack = `${this.stack}\n--- ${workerId === 'client' ? 'fit' : 'worker'} stack ---\n${remoteStack}`;
  }
}

// ---------------- running the fits ----------------

type Outcome = { ok: true; fitted: Fittable } | { ok: false; errorType: string; message: string; stack: string; worker: string; cause: unknown };

function failure(err: unknown, worker: string): Outcome {
  if (err instanceof RemoteError) return { ok: false, errorType: err.remoteType, message: err.remoteMessage, stack: err.remoteStack, worker: err.workerId, cause: err };
  const e = err instanceof Error ? err : new Error(String(err));
  return { ok: false, errorType: e.name, message: e.message, stack: e.stack ?? '', worker, cause: e };
}

function fitError(handles: readonly DelayedFit[], i: number, o: Outcome & { ok: false }, failed: number): DelayedFitError {
  const est = handles[i].snapshot;
  const name = est.constructor.name;
  const where = o.worker === 'client' || o.worker === '' ? '' : ` on ${o.worker}`;
  const more = failed > 1 ? ` (${failed} of ${handles.length} fits failed; every outcome is in error.results)` : '';
  return new DelayedFitError(`fitting estimator ${i} of ${handles.length} (${name}) failed${where}: ${o.errorType}: ${o.message}${more}`,
    i, name, est.getParams(), o.errorType, o.message, o.stack, o.worker, { cause: o.cause });
}

/** Each fit in turn on this thread, collections computed once each. */
async function fitHere(handles: readonly DelayedFit[]): Promise<Outcome[]> {
  const values = new Map<unknown, Promise<unknown>>();
  const valueOf = (v: unknown): Promise<unknown> => {
    if (!(v instanceof ShoalArray) && !(v instanceof DataFrame)) return Promise.resolve(v);
    let p = values.get(v);
    if (p === undefined) values.set(v, (p = v instanceof ShoalArray ? v.computeChunks().then((c) => arrayValue(c, v.dtype, v.cols)) : v.compute()));
    return p;
  };
  const out: Outcome[] = [];
  for (const h of handles) {
    const args = await resolveArgs(h.args, valueOf);
    const est = h.estimator;
    try {
      await est.fit(...args);
      out.push({ ok: true, fitted: est });
    } catch (err) {
      out.push(failure(err, 'client'));
    }
  }
  return out;
}

/** One task per fit; each distinct argument scattered (or, for a collection, computed on the cluster) once. */
async function fitOnCluster(client: Client, handles: readonly DelayedFit[], progress: boolean): Promise<Outcome[]> {
  const names = handles.map((h, i) => {
    const est = h.snapshot;
    const name = registeredName(est);
    const cls = est.constructor.name;
    if (name === undefined) {
      throw new TypeError(`computeFits: estimator ${i} (${cls}) is not a registered estimator class, so workers cannot rebuild it; call registerEstimator('${cls}', ${cls}, kind) in a module the workers load (workerModules) and here, or pass client: 'local' to fit on this thread`);
    }
    checkTravels(`computeFits: estimator ${i} (${cls})`, 'hyper-parameter', est.getParams());
    return name;
  });

  // every distinct argument once, with how many fits use it
  const uses = new Map<unknown, number>();
  for (const h of handles) for (const v of new Set(sharedValues(h.args))) uses.set(v, (uses.get(v) ?? 0) + 1);
  const keyOf = new Map<unknown, string>();
  const held: Future[] = [];
  const fits: Future<Uint8Array>[] = [];
  try {
    // collections: computed on the cluster into one value each, kept there by key
    const collections = [...uses.keys()].filter((v): v is ShoalArray | DataFrame => v instanceof ShoalArray || v instanceof DataFrame);
    if (collections.length > 0) {
      const parts = collections.map(wholeValue);
      const futures = submitKeys(mergeLayers(...parts.map((p) => p.layers)), parts.map((p) => p.key), { client });
      held.push(...futures);
      collections.forEach((c, i) => keyOf.set(c, futures[i].key));
    }
    // in-memory values: one broadcast for those several fits share, one round-robin scatter for the rest
    const inMemory = [...uses.keys()].filter((v) => !keyOf.has(v));
    for (const broadcast of [true, false]) {
      const group = inMemory.filter((v) => (uses.get(v)! > 1) === broadcast);
      if (group.length === 0) continue;
      let futures: Future[];
      try {
        futures = await client.scatter(group, { broadcast });
      } catch (err) {
        const e = err as Error;
        throw new (e instanceof TypeError ? TypeError : Error)(`computeFits: the fits' data could not be sent to the workers: ${e.message}`, { cause: e });
      }
      held.push(...futures);
      group.forEach((v, i) => keyOf.set(v, futures[i].key));
    }

    const tasks = new Map<string, TaskSpec>();
    for (const [i, h] of handles.entries()) {
      const args = mapArgs(h.args, (v) => ref(keyOf.get(v)!)).map((a) => a ?? null);
      const missing = h.args.flatMap((a, j) => (a === undefined ? [j] : []));
      tasks.set(h.key, { op: 'ml.delayed.fit', args: [names[i], h.snapshot.getParams(), args, missing] });
    }
    fits.push(...(client.persist(tasks, [...tasks.keys()], { progress }) as Future<Uint8Array>[]));
    const byKey = new Map(fits.map((f) => [f.key, f]));
    const settled = await Promise.allSettled(handles.map((h) => byKey.get(h.key)!.result()));
    return settled.map((s): Outcome => {
      if (s.status === 'rejected') return failure(s.reason, '');
      try {
        return { ok: true, fitted: modelFromBytes(s.value) as Fittable };
      } catch (err) {
        return failure(err, 'client');
      }
    });
  } finally {
    for (const f of [...fits, ...held]) f.release();
  }
}

/**
 * A fit's arguments with each value that travels on its own replaced by
 * `f(value)`: X, y and every further object argument — except that a plain
 * object after y (fit options, `{ sampleWeight }`) is taken entry by entry,
 * so that the same weights in options written afresh for each fit are still
 * one value. Numbers, strings and booleans stay in place.
 */
function mapArgs(args: readonly unknown[], f: (v: object) => unknown): unknown[] {
  const leaf = (v: unknown) => (typeof v === 'object' && v !== null ? f(v) : v);
  return args.map((a, i) => (i >= 2 && isPlainObject(a) ? Object.fromEntries(Object.entries(a).map(([k, v]) => [k, leaf(v)])) : leaf(a)));
}

/** The values of a fit's arguments that travel on their own (see mapArgs). */
function sharedValues(args: readonly unknown[]): object[] {
  const out: object[] = [];
  mapArgs(args, (v) => out.push(v));
  return out;
}

/** The arguments with each travelling value replaced by what `valueOf` gives for it. */
async function resolveArgs(args: readonly unknown[], valueOf: (v: unknown) => Promise<unknown>): Promise<unknown[]> {
  const values = new Map<object, unknown>();
  await Promise.all(sharedValues(args).map(async (v) => values.set(v, await valueOf(v))));
  return mapArgs(args, (v) => values.get(v));
}

/** A collection's whole value as one task: an Array's chunks concatenated (as its `compute()`), a DataFrame's partitions joined. */
function wholeValue(c: ShoalArray | DataFrame): { layers: Layers; key: string } {
  if (c instanceof DataFrame) {
    const one = c.repartition(1);
    return { layers: one.layers, key: one.keys[0] };
  }
  const layer = `fit-data-${tokenize('ml.delayed.arrayValue', c.keys)}`;
  const key = `${layer}-0`;
  const tasks = new Map<string, TaskSpec>([[key, { op: 'ml.delayed.arrayValue', args: [c.keys.map((k) => ref(k)), c.dtype, c.cols] }]]);
  return { layers: withLayer([c.layers], layer, tasks), key };
}

// ---------------- checks at the call ----------------

function checkEstimator(owner: string, est: unknown, what = 'estimator'): asserts est is Fittable {
  if (!(est instanceof BaseEstimator) || typeof (est as { fit?: unknown }).fit !== 'function') {
    throw new TypeError(`${owner}: ${what} must be an estimator (a BaseEstimator with fit), got ${describe(est)}`);
  }
}

function checkData(owner: string, name: string, v: unknown): void {
  if (v === null || v === undefined || (typeof v !== 'object' && typeof v !== 'string')) {
    throw new TypeError(`${owner}: ${name} must be data (a matrix { data, shape }, a typed or nested array, an Arrow table, a shoal Array or DataFrame), got ${describe(v)}`);
  }
}

/** Hyper-parameters must be plain data to reach a worker (structured clone would silently strip a class's prototype). */
function checkTravels(owner: string, path: string, v: unknown): void {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || ArrayBuffer.isView(v)) return;
  if (Array.isArray(v)) { v.forEach((x, i) => checkTravels(owner, `${path}[${i}]`, x)); return; }
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    for (const [k, x] of Object.entries(v)) checkTravels(owner, path === 'hyper-parameter' ? `hyper-parameter ${k}` : `${path}.${k}`, x);
    return;
  }
  throw new TypeError(`${owner}: ${path} is ${describe(v)}, which cannot travel to the workers (plain values, arrays, typed arrays and plain objects only); pass client: 'local' to fit on this thread`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof BaseEstimator) return `an estimator (${v.constructor.name})`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : `an object (${v.constructor?.name ?? 'no prototype'})`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
