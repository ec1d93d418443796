/**
 * The estimator contract, as scikit-learn's `BaseEstimator`:
 * - the constructor only stores hyper-parameters (validation happens in `fit`,
 *   so the constructor and `setParams` agree);
 * - `fit` returns the estimator (as a Promise);
 * - learned state lives in attributes ending in `_`;
 * - `getParams` / `setParams` / `clone`.
 */
import { NotFittedError } from './errors.js';

export type Params = Record<string, unknown>;

export abstract class BaseEstimator<P extends Params = Params> {
  /** The hyper-parameters, exactly as given (defaults filled in). */
  protected params: P;

  protected constructor(defaults: P, given: Partial<P> = {}) {
    for (const name of Object.keys(given)) {
      if (!(name in defaults)) throw unknownParam(this.constructor.name, name, defaults);
    }
    this.params = { ...defaults, ...stripUndefined(given) };
  }

  /**
   * The hyper-parameters (a copy): `new Est(est.getParams())` builds an equal,
   * unfitted estimator. A wrapped estimator (a meta-estimator's `estimator`)
   * comes back as an unfitted clone, keeping its class.
   */
  getParams(): P {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.params)) out[k] = v instanceof BaseEstimator ? v.clone() : structuredClone(v);
    return out as P;
  }

  /** Sets hyper-parameters by name and returns the estimator; unknown names are an error. Fitted state is kept until the next fit, as in scikit-learn. */
  setParams(params: Partial<P>): this {
    for (const name of Object.keys(params)) {
      if (!(name in this.params)) throw unknownParam(this.constructor.name, name, this.params);
    }
    this.params = { ...this.params, ...stripUndefined(params) };
    return this;
  }

  /** A new unfitted estimator with the same hyper-parameters, sharing nothing with this one. */
  clone(): this {
    const Ctor = this.constructor as new (params: P) => this;
    return new Ctor(this.getParams());
  }

  /** Whether `fit` has run. */
  abstract get isFitted(): boolean;

  /** Throws NotFittedError naming `method` unless fitted. */
  protected checkFitted(method: string): void {
    if (!this.isFitted) throw new NotFittedError(this.constructor.name, method);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function unknownParam(estimator: string, name: string, known: object): TypeError {
  return new TypeError(`${estimator}: unknown hyper-parameter ${JSON.stringify(name)}; expected one of ${Object.keys(known).join(', ')}`);
}

/** Checks a hyper-parameter when `fit` runs; the message names it, the expectation and the value. */
export function checkParam(estimator: string, name: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${estimator}: hyper-parameter ${name} must be ${expected}, got ${JSON.stringify(value)}`);
}
