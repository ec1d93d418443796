/**
 * The estimator registry: estimator classes by name, so that a task on a
 * worker can rebuild an estimator from `(name, params)` — shoal's answer to
 * pickling a model (no code or closures travel in messages). Every task thread
 * imports this module (through `ml/ops.ts`), so shoal's own estimators are
 * known everywhere; register your own in a module the workers load
 * (`Client.local({ workerModules: ['./my-estimators.js'] })`) and in the
 * client's process.
 */
import type { BaseEstimator, Params } from './base.js';
import { KMeans } from './cluster/kmeans.js';
import { GaussianNB } from './naive_bayes/gaussian-nb.js';
import { LinearRegression } from './linear_model/linear-regression.js';
import { LogisticRegression } from './linear_model/logistic-regression.js';
import { PoissonRegression } from './linear_model/poisson-regression.js';
import { SGDClassifier, SGDRegressor } from './linear_model/sgd.js';
import { MinMaxScaler, StandardScaler } from './preprocessing/scalers.js';

/**
 * What an estimator does, as scikit-learn's `_estimator_type` (classifiers get
 * stratified folds in a search); `meta` is a meta-estimator (a search) whose
 * kind is that of the estimator it wraps (its `estimator` hyper-parameter).
 */
export type EstimatorKind = 'classifier' | 'regressor' | 'clusterer' | 'transformer' | 'meta';

/** An estimator class: constructed from its hyper-parameters alone. */
export type EstimatorClass = new (params?: Params) => BaseEstimator<Params>;

interface Entry { name: string; ctor: EstimatorClass; kind: EstimatorKind }

const byName = new Map<string, Entry>();
const byClass = new Map<EstimatorClass, Entry>();
const KINDS: EstimatorKind[] = ['classifier', 'regressor', 'clusterer', 'transformer', 'meta'];

/**
 * Registers estimator class `ctor` under `name`. Registering the same class
 * again is harmless; another class under a taken name is an error.
 * @example registerEstimator('MyRegressor', MyRegressor, 'regressor');
 */
export function registerEstimator(name: string, ctor: EstimatorClass, kind: EstimatorKind): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`registerEstimator: name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (typeof ctor !== 'function') throw new TypeError(`registerEstimator(${name}): expected an estimator class, got ${typeof ctor}`);
  if (!KINDS.includes(kind)) throw new RangeError(`registerEstimator(${name}): kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const had = byName.get(name);
  if (had !== undefined && had.ctor !== ctor) throw new Error(`registerEstimator: an estimator named ${JSON.stringify(name)} is already registered (${had.ctor.name})`);
  const entry = { name, ctor, kind };
  byName.set(name, entry);
  byClass.set(ctor, entry);
}

/** The registered name of `estimator`'s class, or undefined when it is not registered. */
export function registeredName(estimator: object): string | undefined {
  return byClass.get(estimator.constructor as EstimatorClass)?.name;
}

/** The kind `estimator`'s class was registered with; unregistered classes with `predictProba` count as classifiers. */
export function estimatorKind(estimator: object): EstimatorKind | undefined {
  const e = byClass.get(estimator.constructor as EstimatorClass);
  if (e?.kind === 'meta') {
    const inner = (estimator as { getParams?: () => Params }).getParams?.().estimator;
    return typeof inner === 'object' && inner !== null ? estimatorKind(inner) : undefined;
  }
  if (e !== undefined) return e.kind;
  return typeof (estimator as { predictProba?: unknown }).predictProba === 'function' ? 'classifier' : undefined;
}

/** A new unfitted estimator of the class registered as `name`, with `params`. */
export function makeEstimator(name: string, params: Params): BaseEstimator<Params> {
  const e = byName.get(name);
  if (e === undefined) {
    throw new RangeError(`unknown estimator ${JSON.stringify(name)}: no module registered it on this thread (register it with registerEstimator in a module the workers load); known: ${[...byName.keys()].join(', ')}`);
  }
  return new e.ctor(params);
}

registerEstimator('LinearRegression', LinearRegression as EstimatorClass, 'regressor');
registerEstimator('LogisticRegression', LogisticRegression as EstimatorClass, 'classifier');
registerEstimator('PoissonRegression', PoissonRegression as EstimatorClass, 'regressor');
registerEstimator('KMeans', KMeans as EstimatorClass, 'clusterer');
registerEstimator('GaussianNB', GaussianNB as EstimatorClass, 'classifier');
registerEstimator('SGDClassifier', SGDClassifier as EstimatorClass, 'classifier');
registerEstimator('SGDRegressor', SGDRegressor as EstimatorClass, 'regressor');
registerEstimator('StandardScaler', StandardScaler as EstimatorClass, 'transformer');
registerEstimator('MinMaxScaler', MinMaxScaler as EstimatorClass, 'transformer');
