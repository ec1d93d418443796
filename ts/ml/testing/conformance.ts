/**
 * The estimator conformance suite (scikit-learn's `check_estimator` in
 * spirit): every estimator's tests call `checkEstimator` with a factory and
 * data; each check is a node:test subtest that can fail on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFittedError } from '../errors.js';
import type { BaseEstimator, Params } from '../base.js';

interface Fittable extends BaseEstimator<Params> {
  fit(X: unknown, y?: unknown): Promise<unknown>;
}

export interface ConformanceCase<E extends Fittable> {
  /** builds the estimator with non-default hyper-parameters */
  make: () => E;
  /** a hyper-parameter to change in setParams checks, with a valid other value */
  paramToChange: [string, unknown];
  /** a hyper-parameter value fit must reject, naming it */
  invalidParam: [string, unknown];
  /** training data (X, and y for supervised estimators) */
  X: unknown;
  y?: unknown;
  /** the fitted state as plain comparable data */
  fittedState: (e: E) => unknown;
  /** methods that need a fitted estimator, called with X */
  fittedMethods: string[];
}

export function checkEstimator<E extends Fittable>(name: string, c: ConformanceCase<E>): void {
  test(`${name} conformance: getParams round-trips through the constructor`, () => {
    const e = c.make();
    const Ctor = e.constructor as new (p: Params) => E;
    assert.deepEqual(new Ctor(e.getParams()).getParams(), e.getParams());
  });

  test(`${name} conformance: setParams changes one hyper-parameter and rejects unknown names`, () => {
    const e = c.make();
    const [k, v] = c.paramToChange;
    assert.notDeepEqual(e.getParams()[k], v, 'paramToChange must differ from the made value');
    e.setParams({ [k]: v });
    assert.deepEqual(e.getParams()[k], v);
    assert.throws(() => e.setParams({ noSuchParam: 1 }), /unknown hyper-parameter "noSuchParam"/);
    const Ctor = e.constructor as new (p: Params) => E;
    assert.throws(() => new Ctor({ noSuchParam: 1 }), /unknown hyper-parameter "noSuchParam"/);
  });

  test(`${name} conformance: clone is unfitted, equal in params and independent`, async () => {
    const e = c.make();
    await e.fit(c.X, c.y);
    const k = e.clone();
    assert.equal(k.isFitted, false);
    assert.deepEqual(k.getParams(), e.getParams());
    k.setParams({ [c.paramToChange[0]]: c.paramToChange[1] });
    assert.notDeepEqual(e.getParams()[c.paramToChange[0]], c.paramToChange[1]);
  });

  test(`${name} conformance: methods before fit throw NotFittedError`, async () => {
    const e = c.make() as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of c.fittedMethods) {
      await assert.rejects(async () => e[m](c.X), (err: unknown) => err instanceof NotFittedError && (err as Error).message.includes(m));
    }
  });

  test(`${name} conformance: fit returns the estimator, and fitting twice equals fitting once`, async () => {
    const e = c.make();
    assert.equal(await e.fit(c.X, c.y), e);
    const once = c.fittedState(e);
    await e.fit(c.X, c.y);
    assert.deepEqual(c.fittedState(e), once);
    assert.equal(e.isFitted, true);
  });

  test(`${name} conformance: invalid hyper-parameter is rejected at fit, naming it`, async () => {
    const [k, v] = c.invalidParam;
    const e = c.make().setParams({ [k]: v });
    await assert.rejects(e.fit(c.X, c.y), new RegExp(k));
  });

  test(`${name} conformance: NaN in X is rejected at fit, naming X`, async () => {
    await assert.rejects(c.make().fit([[NaN]], c.y === undefined ? undefined : [0]), /X: expected finite numbers, got NaN/);
  });
}
