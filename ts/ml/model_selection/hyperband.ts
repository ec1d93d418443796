/**
 * Adaptive hyper-parameter search for estimators with `partialFit`, as
 * Dask-ML's SuccessiveHalvingSearchCV and HyperbandSearchCV (Li et al. 2018,
 * "Hyperband", JMLR): many models start, each trained a little; the best
 * fraction 1/aggressiveness continue with aggressiveness times more training,
 * and so on. Hyperband runs several such brackets side by side, from many
 * models trained briefly to few models trained fully, so it needs no guess of
 * how early a model's promise shows.
 *
 * One "partial fit call" is one `partialFit` on one block of the training data
 * (blocks visited in turn), as in Dask-ML. The data is split once into a
 * training part (left on the workers, block-wise) and a test part held in
 * memory for scoring (Dask-ML holds it in memory too). On a cluster every
 * partial fit call is a task (`ml.incremental.step`), chained per model so the
 * models of a round train in parallel; the models travel as model-file bytes.
 * Without a client the same schedule runs on this thread.
 *
 * Inside a bracket the schedule is Dask-ML's: every model gets one partial fit
 * call and a score, then rounds of "instructions" (more calls for the best
 * models, none for the rest) until none are left. With `patience`, a model is
 * trained at most `patience` calls between scores and stops once its score
 * has not risen by more than `tol` over the last `patience` calls (Dask-ML's
 * `_stop_on_plateau`); every score is a `history_` record.
 */
import { ref, type TaskSpec } from '../../actors/graph.js';
import { Client } from '../../actors/client.js';
import { fromArray } from '../../collections/array/create.js';
import { computeKeys } from '../../collections/graph/compute.js';
import { mergeLayers, tokenize, withLayer } from '../../collections/graph/layers.js';
import { BaseEstimator, checkParam, type Params } from '../base.js';
import { ArrayData } from '../chunked.js';
import { asLazyArray, DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { modelFromBytes } from '../persistence.js';
import { estimatorKind, registerEstimator, registeredName, type EstimatorClass } from '../registry.js';
import { toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import { partialFitStep } from '../wrappers-ops.js';
import { checkSpace, copySpace, sampleCandidates, type ParamDistributions } from './param-grid.js';
import { getScorer, type Scorer, type Targets } from './scoring.js';
import { permutation, seededRandom, takeRows, trainTestSplit } from './split.js';
import { activeClient } from './search.js';
import { sortedClasses } from '../labels.js';
import '../linear_model/glm-ops.js'; // label discovery on collections

type PartialFittable = BaseEstimator<Params> & { partialFit(X: unknown, y: unknown, o?: unknown): Promise<unknown> };

/** One scoring of one model, as Dask-ML's `history_` records. */
export interface HistoryRecord {
  model_id: number;
  bracket: number;
  params: Params;
  /** the model's partial fit calls so far */
  partial_fit_calls: number;
  /** seconds of the partial fit calls since the model's previous score (on a cluster, the round's wall time) */
  partial_fit_time: number;
  score: number;
  score_time: number;
  /** seconds since the search's fit began */
  elapsed_wall_time: number;
}

/** One model's life: its hyper-parameters, how far it trained, its latest score, its scores so far. */
interface Model {
  id: number;
  bracket: number;
  params: Params;
  bytes: Uint8Array | null;
  calls: number;
  score: number;
  history: HistoryRecord[];
  /** with patience: the calls the latest round of successive halving asked for (Dask-ML's `_adapt` mark) */
  target?: number;
}

export interface IncrementalSearchOptions {
  /** fraction of the rows held out for scoring (default 0.15, as Dask-ML) */
  testSize: number;
  /**
   * stop training a model whose score has not risen by more than `tol` over
   * its last `patience` partial fit calls (and score models at least every
   * `patience` calls); false (default) or 0: off. HyperbandSearchCV also takes
   * true: ⌊maxIter / aggressiveness⌋ (at least 1), as Dask-ML.
   */
  patience: boolean | number;
  /** the improvement that counts with `patience` (default 0.001); null: never stop on a plateau */
  tol: number | null;
  /** a scorer name (see scoring.ts) or null: the estimator's own score */
  scoring: string | null;
  randomState: number;
  /** where the partial fits run: a Client, 'local', or null for the active client if any */
  scheduler: Client | 'local' | null;
}

export interface SuccessiveHalvingParams extends IncrementalSearchOptions, Record<string, unknown> {
  estimator: PartialFittable | null;
  parameters: ParamDistributions | ParamDistributions[] | null;
  nInitialParameters: number;
  nInitialIter: number;
  maxIter: number;
  aggressiveness: number;
}

export interface HyperbandParams extends IncrementalSearchOptions, Record<string, unknown> {
  estimator: PartialFittable | null;
  parameters: ParamDistributions | ParamDistributions[] | null;
  maxIter: number;
  aggressiveness: number;
}

const SEARCH_DEFAULTS: IncrementalSearchOptions = { testSize: 0.15, patience: false, tol: 1e-3, scoring: null, randomState: 0, scheduler: null };

/** The training blocks, the test part and how to advance models on them. */
class Trainer {
  private rounds = 0;
  /** every score of every model, in the order they came */
  readonly history: HistoryRecord[] = [];
  private readonly start = performance.now();
  constructor(
    readonly name: string,
    readonly baseParams: Params,
    readonly blocks: { X: ShoalArray; y: ShoalArray } | { X: Matrix; y: Float64Array | string[] },
    readonly test: { X: Matrix; y: Targets },
    readonly options: Record<string, unknown>,
    readonly client: Client | null,
    readonly scorer: Scorer | null,
  ) {}

  get numBlocks(): number {
    return 'numChunks' in this.blocks.X ? this.blocks.X.numChunks : 1;
  }

  /** Trains each model to `targets[i]` partial fit calls (block after block), then scores it. */
  async advance(models: Model[], targets: number[]): Promise<void> {
    const work = models.map((m, i) => ({ m, steps: targets[i] - m.calls, time: 0 })).filter((w) => w.steps > 0);
    if (work.length === 0) return;
    if (this.client !== null && this.blocks.X instanceof ShoalArray) {
      const { X, y } = this.blocks as { X: ShoalArray; y: ShoalArray };
      const token = tokenize('hyperband', X.keys, ++this.rounds, Math.random());
      const tasks = new Map<string, TaskSpec>();
      const finals: string[] = [];
      for (const { m, steps } of work) {
        let prev: string | null = null;
        for (let s = 0; s < steps; s++) {
          const block = (m.calls + s) % X.numChunks;
          const key = `hyperband-${token}-${m.id}-${m.calls + s}`;
          tasks.set(key, { op: 'ml.incremental.step', args: [ref(X.keys[block]), ref(y.keys[block]), prev === null ? m.bytes : ref(prev), this.name, { ...this.baseParams, ...m.params }, this.options] });
          prev = key;
        }
        finals.push(prev!);
      }
      const t0 = performance.now();
      const out = (await computeKeys(withLayer([mergeLayers(X.layers, y.layers)], `hyperband-${token}`, tasks), finals)) as Uint8Array[];
      const seconds = (performance.now() - t0) / 1000;
      work.forEach((w, i) => { w.m.bytes = out[i]; w.time = seconds; });
    } else {
      const { X, y } = this.blocks as { X: Matrix; y: Float64Array | string[] };
      for (const w of work) {
        const t0 = performance.now();
        for (let s = 0; s < w.steps; s++) {
          w.m.bytes = await partialFitStep(X, { data: y as unknown as Float64Array, shape: [y.length] }, w.m.bytes, this.name, { ...this.baseParams, ...w.m.params }, this.options);
        }
        w.time = (performance.now() - t0) / 1000;
      }
    }
    for (const { m, steps, time } of work) {
      m.calls += steps;
      const t0 = performance.now();
      const est = modelFromBytes(m.bytes!) as unknown as { score(X: Matrix, y: Targets): Promise<number> | number };
      m.score = Number(this.scorer === null ? await est.score(this.test.X, this.test.y) : await this.scorer(est, this.test.X, this.test.y));
      const now = performance.now();
      const record: HistoryRecord = {
        model_id: m.id, bracket: m.bracket, params: m.params, partial_fit_calls: m.calls, partial_fit_time: time,
        score: m.score, score_time: (now - t0) / 1000, elapsed_wall_time: (now - this.start) / 1000,
      };
      m.history.push(record);
      this.history.push(record);
    }
  }
}

/** `mean_<what>` and `std_<what>` of each model's history records (NumPy's population std, as Dask-ML). */
function timeColumns(models: Model[], what: 'partial_fit_time' | 'score_time'): Record<string, number[]> {
  const stats = models.map((m) => {
    const v = m.history.map((r) => r[what]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return [mean, Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)];
  });
  return { [`mean_${what}`]: stats.map((x) => x[0]), [`std_${what}`]: stats.map((x) => x[1]) };
}

/** A bracket's decision points as Dask-ML's `metadata_`: the call counts its models were scored at, without the first call except in the highest bracket. */
function decisionsOf(models: Model[], highest: boolean): number[] {
  const calls = new Set(models.flatMap((m) => m.history.map((r) => r.partial_fit_calls)));
  if (!highest) calls.delete(1);
  return [...calls].sort((a, b) => a - b);
}

/** NumPy's round (half to even), which Dask-ML's `np.round(r * eta**k)` uses. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One bracket: n models from r calls, culled by η, at most maxIter calls each; patience and tol as Dask-ML. */
interface Halving {
  n: number;
  r: number;
  eta: number;
  maxIter: number;
  /** an integer ≥ 2, or false */
  patience: number | false;
  tol: number | null;
}

const byScore = (a: Model, b: Model) => b.score - a.score || a.id - b.id;

/**
 * Dask-ML's successive halving driven as its `_fit` drives it: one call and a
 * score for every model, then rounds of instructions (`_additional_calls`)
 * until no model is told to train. Round k keeps the best ⌊n·η⁻ᵏ⌋ models
 * (by their latest score, ties to the earlier model) and trains them to
 * round(r·ηᵏ) calls; with patience in pieces of at most `patience` calls,
 * each scored, and a model whose scores over its last `patience` calls rose
 * by at most `tol` stops (`_stop_on_plateau`) — when every model still asked
 * for has stopped or arrived, the bracket ends. One difference: a round past
 * `maxIter` calls is not run (Dask-ML runs it when r·ηᵏ jumps over maxIter,
 * which its own `metadata` does not count).
 */
async function successiveHalving(trainer: Trainer, models: Model[], h: Halving): Promise<void> {
  await trainer.advance(models, models.map(() => 1));
  let active = models;
  let steps = 0;
  const patience = h.patience;

  const adapt = (): Map<Model, number> => {
    if (active.every((m) => m.calls === 1)) steps = 0;
    let keep = Math.floor(h.n * h.eta ** -steps);
    let target = roundHalfEven(h.r * h.eta ** steps);
    if (target === 1) {
      // the first call, made for every model, was this round
      steps = 1;
      keep = Math.floor(h.n * h.eta ** -steps);
      target = roundHalfEven(h.r * h.eta ** steps);
    }
    steps += 1;
    if (keep < 1 || target > h.maxIter) return new Map(active.map((m) => [m, 0]));
    return new Map([...active].sort(byScore).slice(0, keep).map((m) => [m, target - m.calls]));
  };

  const stopOnPlateau = (instructions: Map<Model, number>): Map<Model, number> => {
    const out = new Map<Model, number>();
    for (const [m, k] of instructions) {
      if (m.calls >= h.maxIter) out.set(m, 0);
      else if (patience !== false && m.calls >= patience) {
        const plateau = m.history.filter((r) => m.calls - r.partial_fit_calls <= patience).map((r) => r.score);
        const rise = Math.max(...plateau.slice(1).map((v) => v - plateau[0]));
        out.set(m, h.tol !== null && plateau.length > 1 && rise <= h.tol ? 0 : k);
      } else out.set(m, k);
    }
    return out;
  };

  const capped = (instructions: Map<Model, number>) => (patience === false ? instructions : new Map([...instructions].map(([m, k]) => [m, Math.min(k, patience)])));

  const additionalCalls = (): Map<Model, number> => {
    if (patience !== false && Math.max(...active.map((m) => m.calls)) > 1) {
      // still on the way to the round's targets: the next piece, unless a plateau stops it
      const toMake = new Map(active.map((m) => [m, m.target! - m.calls]));
      if ([...toMake.values()].reduce((a, b) => a + b, 0) > 0) return capped(stopOnPlateau(toMake));
    }
    const instructions = adapt();
    if (patience !== false) for (const [m, k] of instructions) m.target = m.calls + k;
    return capped(stopOnPlateau(instructions));
  };

  for (;;) {
    const instructions = additionalCalls();
    active = active.filter((m) => instructions.has(m));
    const work = [...instructions].filter(([, k]) => k > 0);
    if (work.length === 0) return;
    await trainer.advance(work.map(([m]) => m), work.map(([m, k]) => m.calls + k));
  }
}

abstract class BaseIncrementalSearch<P extends HyperbandParams | SuccessiveHalvingParams> extends BaseEstimator<P> {
  /** one row per model: `model_id`, `bracket`, `params`, `param_<name>`, `partial_fit_calls`, `test_score` (its last score), `rank_test_score`, `mean_partial_fit_time`, `std_partial_fit_time`, `mean_score_time`, `std_score_time` */
  cvResults_?: Record<string, unknown[]>;
  /** every scoring of every model, in time order (Dask-ML's `history_`): one record per model after each run of partial fit calls */
  history_?: HistoryRecord[];
  /** `history_` by model id (Dask-ML's `model_history_`) */
  modelHistory_?: Record<number, HistoryRecord[]>;
  bestParams_?: Params;
  bestScore_?: number;
  bestIndex_?: number;
  /** the best model as trained (not refit), as Dask-ML */
  bestEstimator_?: PartialFittable;
  /** models and partial fit calls in all and per bracket, with each bracket's decision points (the call counts at which its models were scored; 1 only for the highest bracket, as Dask-ML's `metadata_`) */
  metadata_?: { nModels: number; partialFitCalls: number; brackets: Array<{ bracket: number; nModels: number; partialFitCalls: number; decisions: number[] }> };

  get isFitted(): boolean { return this.bestEstimator_ !== undefined; }

  override getParams(): P {
    const p = { ...this.params };
    const e = p.estimator as unknown as { clone?: () => unknown } | null;
    if (e !== null && typeof e?.clone === 'function') (p as Record<string, unknown>).estimator = e.clone();
    (p as Record<string, unknown>).parameters = copySpace(p.parameters);
    return p;
  }

  /** The brackets to run: [models, initial calls] each, highest bracket first. */
  protected abstract plan(): Array<{ bracket: number; n: number; r: number }>;

  /** The patience each bracket uses: false, or an integer ≥ 2. */
  protected abstract patience(): number | false;

  /** A bracket's patience, checked as Dask-ML's IncrementalSearchCV checks it. */
  protected checkedPatience(patience: number | false): number | false {
    if (patience === false || patience === 0) return false;
    if (patience <= 1) throw new RangeError(`${this.constructor.name}: patience=${patience} ≤ 1 would always detect a plateau; set patience ≥ 2 (or false)`);
    return patience;
  }

  protected validateCommon(): void {
    const p = this.params;
    const E = this.constructor.name;
    const est = p.estimator;
    checkParam(E, 'estimator', est === null ? null : est.constructor.name, est !== null && typeof (est as { partialFit?: unknown }).partialFit === 'function', 'an estimator with partialFit');
    if (registeredName(est!) === undefined) throw new TypeError(`${E}: ${est!.constructor.name} is not a registered estimator class (registerEstimator), so it cannot be rebuilt from its model file`);
    checkParam(E, 'parameters', p.parameters, p.parameters !== null, 'parameter lists or distributions');
    checkSpace(E, 'parameters', p.parameters, true);
    checkParam(E, 'maxIter', p.maxIter, Number.isInteger(p.maxIter) && p.maxIter >= 1, 'an integer ≥ 1');
    checkParam(E, 'aggressiveness', p.aggressiveness, typeof p.aggressiveness === 'number' && p.aggressiveness > 1, 'a number > 1');
    checkParam(E, 'testSize', p.testSize, typeof p.testSize === 'number' && p.testSize > 0 && p.testSize < 1, 'a fraction in (0, 1)');
    checkParam(E, 'randomState', p.randomState, Number.isInteger(p.randomState), 'an integer');
    checkParam(E, 'scoring', p.scoring, p.scoring === null || typeof p.scoring === 'string', 'a scorer name or null');
    checkParam(E, 'tol', p.tol, p.tol === null || typeof p.tol === 'number', 'a number or null');
  }

  /** Splits the data, runs every bracket (side by side) and keeps the best model. */
  async fit(X: MatrixLike | ShoalArray | DataFrame, y: unknown, fitParams?: Record<string, unknown>): Promise<this> {
    if (fitParams !== undefined && fitParams !== null && Object.values(fitParams).some((v) => v !== undefined && v !== null)) {
      throw new TypeError(`${this.constructor.name}: fit parameters (${Object.keys(fitParams).join(', ')}) are not supported yet (Dask-ML hands them whole to every partial_fit, not per block); train weighted block-wise with Incremental`);
    }
    this.validate();
    const patience = this.patience();
    const p = this.params;
    const est = p.estimator!;
    const name = registeredName(est)!;
    const client = p.scheduler === 'local' ? null : p.scheduler instanceof Client ? p.scheduler : activeClient();
    const scorer = p.scoring === null ? null : getScorer(p.scoring);
    const { blocks, test, classes } = await this.split(X, y, client);
    const options: Record<string, unknown> = estimatorKind(est) === 'classifier' ? { classes } : {};
    const trainer = new Trainer(name, est.getParams(), blocks, test, options, client, scorer);
    const spaces = checkSpace(this.constructor.name, 'parameters', p.parameters, true) as ParamDistributions[];
    let nextId = 0;
    const all: Model[] = [];
    const tol = p.tol === null || Number.isNaN(p.tol) ? null : p.tol;
    const brackets = this.plan().map(({ bracket, n, r }) => {
      const params = sampleCandidates(spaces, n, seededRandom(p.randomState + bracket), () => {});
      const models: Model[] = params.map((ps) => ({ id: nextId++, bracket, params: ps, bytes: null, calls: 0, score: -Infinity, history: [] }));
      all.push(...models);
      return { bracket, models, r };
    });
    await Promise.all(brackets.map((b) => successiveHalving(trainer, b.models, { n: b.models.length, r: b.r, eta: p.aggressiveness, maxIter: p.maxIter, patience, tol })));

    const order = [...all].sort((a, b) => b.score - a.score || a.id - b.id);
    const rank = new Map<number, number>();
    order.forEach((m, i) => rank.set(m.id, i > 0 && m.score === order[i - 1].score ? rank.get(order[i - 1].id)! : i + 1));
    const names = [...new Set(all.flatMap((m) => Object.keys(m.params)))];
    this.cvResults_ = {
      model_id: all.map((m) => m.id),
      bracket: all.map((m) => m.bracket),
      params: all.map((m) => m.params),
      ...Object.fromEntries(names.map((k) => [`param_${k}`, all.map((m) => m.params[k])])),
      partial_fit_calls: all.map((m) => m.calls),
      test_score: all.map((m) => m.score),
      rank_test_score: all.map((m) => rank.get(m.id)!),
      ...timeColumns(all, 'partial_fit_time'),
      ...timeColumns(all, 'score_time'),
    };
    this.history_ = trainer.history;
    this.modelHistory_ = Object.fromEntries(all.map((m) => [m.id, m.history]));
    const best = order[0];
    this.bestIndex_ = all.indexOf(best);
    this.bestParams_ = best.params;
    this.bestScore_ = best.score;
    this.bestEstimator_ = modelFromBytes(best.bytes!) as PartialFittable;
    const top = Math.max(...brackets.map((b) => b.bracket));
    this.metadata_ = {
      nModels: all.length,
      partialFitCalls: all.reduce((a, m) => a + m.calls, 0),
      brackets: brackets.map((b) => ({ bracket: b.bracket, nModels: b.models.length, partialFitCalls: b.models.reduce((a, m) => a + m.calls, 0), decisions: decisionsOf(b.models, b.bracket === top) })),
    };
    return this;
  }

  protected validate(): void {
    this.validateCommon();
  }

  /** Training blocks (on the workers with a client) and the in-memory test part; the classes of y. */
  private async split(X: MatrixLike | ShoalArray | DataFrame, y: unknown, client: Client | null) {
    const p = this.params;
    let XA = asLazyArray(X);
    let yA = y instanceof DataFrame ? frameToArray(y).col(0) : y instanceof ShoalArray ? y : null;
    if (XA === null) {
      // in memory: cut rows into train and test here; the train part becomes one block
      const m = toMatrix('X', X);
      const labels = Array.isArray(y) || ArrayBuffer.isView(y) ? Array.from(y as ArrayLike<number | string>) : null;
      if (labels === null) throw new TypeError('y: expected an array of targets (or a shoal Array with X a collection)');
      if (labels.length !== m.shape[0]) throw new RangeError(`X and y: expected the same number of samples, got ${m.shape[0]} and ${labels.length}`);
      const classes = sortedClasses(labels);
      const order = permutation(m.shape[0], p.randomState);
      const nTest = Math.ceil(p.testSize * order.length);
      const pick = (idx: Int32Array) => ({
        X: { data: takeRows(m.data, m.shape[1], idx), shape: [idx.length, m.shape[1]] as [number, number] },
        y: typeof labels[0] === 'string' ? Array.from(idx, (i) => labels[i] as string) : Float64Array.from(idx, (i) => labels[i] as number),
      });
      const train = pick(order.slice(nTest));
      const test = pick(order.slice(0, nTest));
      if (client !== null && typeof labels[0] !== 'string') {
        // on the cluster: the train part as a one-block Array persisted on a worker
        XA = await fromArray(train.X.data, { shape: train.X.shape }).persist({ wait: true });
        yA = await fromArray(train.y as Float64Array, { shape: [train.y.length] }).persist({ wait: true });
        return { blocks: { X: XA, y: yA as ShoalArray }, test, classes };
      }
      return { blocks: train, test, classes };
    }
    if (!(yA instanceof ShoalArray)) throw new TypeError('y: with X a shoal Array or DataFrame, y must be one too (chunked like X)');
    if (client === null) throw new TypeError(`${this.constructor.name}: a shoal collection needs a running client (Client.local or Client.connect)`);
    const classes = await new ArrayData(yA).reduce<number[]>('ml.glm.labelSet', () => [], 'ml.glm.labelSetCombine');
    const [Xtr, Xte, ytr, yte] = trainTestSplit([XA, yA], { testSize: p.testSize, randomState: p.randomState }) as ShoalArray[];
    const [XtrP, ytrP] = await Promise.all([Xtr.persist({ wait: true }), ytr.persist({ wait: true })]);
    const [xt, yt] = await Promise.all([Xte.compute(), yte.compute()]);
    return {
      blocks: { X: XtrP, y: ytrP },
      test: { X: { data: Float64Array.from(xt.data), shape: [xt.shape[0], xt.shape[1] ?? 1] as [number, number] }, y: Float64Array.from(yt.data) },
      classes,
    };
  }

  predict(X: unknown): unknown {
    this.checkFitted('predict');
    return (this.bestEstimator_ as unknown as { predict(X: unknown): unknown }).predict(X);
  }

  predictProba(X: unknown): unknown {
    this.checkFitted('predictProba');
    return (this.bestEstimator_ as unknown as { predictProba(X: unknown): unknown }).predictProba(X);
  }

  async score(X: unknown, y: unknown): Promise<number> {
    this.checkFitted('score');
    const scorer = this.params.scoring === null ? null : getScorer(this.params.scoring);
    const est = this.bestEstimator_ as unknown as { score(X: unknown, y: unknown): Promise<number> };
    return scorer === null ? est.score(X, y) : Number(await scorer(est, toMatrix('X', X), y as Targets));
  }
}

/** Dask-ML's SuccessiveHalvingSearchCV: one bracket of successive halving. */
export class SuccessiveHalvingSearchCV extends BaseIncrementalSearch<SuccessiveHalvingParams> {
  constructor(params: Partial<SuccessiveHalvingParams>);
  constructor(estimator: PartialFittable, parameters: ParamDistributions | ParamDistributions[], options?: Partial<Omit<SuccessiveHalvingParams, 'estimator' | 'parameters'>>);
  constructor(a: unknown, parameters?: ParamDistributions | ParamDistributions[], options: Partial<SuccessiveHalvingParams> = {}) {
    const given = parameters === undefined ? (a as Partial<SuccessiveHalvingParams>) : { ...options, estimator: a as PartialFittable, parameters };
    super({ ...SEARCH_DEFAULTS, estimator: null, parameters: null, nInitialParameters: 10, nInitialIter: 1, maxIter: 100, aggressiveness: 3 }, given);
  }

  protected override validate(): void {
    this.validateCommon();
    const p = this.params;
    checkParam('SuccessiveHalvingSearchCV', 'nInitialParameters', p.nInitialParameters, Number.isInteger(p.nInitialParameters) && p.nInitialParameters >= 1, 'an integer ≥ 1');
    checkParam('SuccessiveHalvingSearchCV', 'nInitialIter', p.nInitialIter, Number.isInteger(p.nInitialIter) && p.nInitialIter >= 1, 'an integer ≥ 1');
  }

  protected plan() {
    return [{ bracket: 0, n: this.params.nInitialParameters, r: this.params.nInitialIter }];
  }

  /** An integer ≥ 2 or false (true, which Dask-ML reads as 1, is refused as it is there). */
  protected patience(): number | false {
    const p = this.params.patience;
    checkParam('SuccessiveHalvingSearchCV', 'patience', p, p === false || Number.isInteger(p), 'an integer ≥ 2 or false');
    return this.checkedPatience(p as number | false);
  }
}

/** Dask-ML's HyperbandSearchCV: brackets of successive halving from Li et al.'s schedule. */
export class HyperbandSearchCV extends BaseIncrementalSearch<HyperbandParams> {
  constructor(params: Partial<HyperbandParams>);
  constructor(estimator: PartialFittable, parameters: ParamDistributions | ParamDistributions[], options?: Partial<Omit<HyperbandParams, 'estimator' | 'parameters'>>);
  constructor(a: unknown, parameters?: ParamDistributions | ParamDistributions[], options: Partial<HyperbandParams> = {}) {
    const given = parameters === undefined ? (a as Partial<HyperbandParams>) : { ...options, estimator: a as PartialFittable, parameters };
    super({ ...SEARCH_DEFAULTS, estimator: null, parameters: null, maxIter: 81, aggressiveness: 3 }, given);
  }

  /**
   * Dask-ML's `_get_patience`: true is ⌊maxIter/η⌋ (at least 1); an integer
   * below that warns (patience is meant as a light layer over Hyperband's own
   * culling) unless tol is null.
   */
  protected patience(): number | false {
    const { patience: p, maxIter, aggressiveness: eta, tol } = this.params;
    checkParam('HyperbandSearchCV', 'patience', p, typeof p === 'boolean' || Number.isInteger(p), 'a boolean or an integer ≥ 2');
    const auto = Math.max(Math.floor(maxIter / eta), 1);
    if (p === true) return this.checkedPatience(auto);
    if (p === false) return false;
    if ((p as number) < auto && tol !== null && !Number.isNaN(tol)) {
      process.emitWarning(`HyperbandSearchCV: patience=${p} is below ${auto} = maxIter / aggressiveness; patience is meant to stop models that converged when few remain, a light layer over Hyperband's own culling. Set patience: true, patience ≥ ${auto}, or tol: null`, 'UserWarning');
    }
    return this.checkedPatience(p as number);
  }

  /** s_max = ⌊log_η R⌋; bracket s starts ⌈(s_max + 1)·η^s/(s + 1)⌉ models at ⌊R·η^−s⌋ calls (Dask-ML's numbers). */
  protected plan() {
    const R = this.params.maxIter;
    const eta = this.params.aggressiveness;
    const sMax = Math.floor(Math.log(R) / Math.log(eta));
    const out = [];
    for (let s = sMax; s >= 0; s--) {
      out.push({ bracket: s, n: Math.ceil(((sMax + 1) * eta ** s) / (s + 1)), r: Math.floor(R * eta ** -s) });
    }
    return out;
  }
}

// Registered as meta-estimators, so a fitted search saves and loads (persistence.ts).
registerEstimator('HyperbandSearchCV', HyperbandSearchCV as unknown as EstimatorClass, 'meta');
registerEstimator('SuccessiveHalvingSearchCV', SuccessiveHalvingSearchCV as unknown as EstimatorClass, 'meta');
