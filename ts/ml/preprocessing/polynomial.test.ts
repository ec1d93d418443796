import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { fromArray } from '../../collections/array/create.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { checkEstimator } from '../testing/conformance.js';
import { NotFittedError } from '../errors.js';
import { assertClose, pp } from '../testdata-preprocessing.js';
import { PolynomialFeatures, type PolynomialFeaturesParams } from './polynomial.js';

const X: number[][] = pp.polynomial.X;
interface Case { params: PolynomialFeaturesParams; powers_: number[][]; n_output_features_: number; feature_names_out: string[]; feature_names_out_abc: string[]; transform: number[][] }
const cases: Case[] = pp.polynomial.cases;
const label = (c: Case): string => JSON.stringify(c.params);

for (const c of cases) {
  test(`PolynomialFeatures ${label(c)}: powers_, names and transform equal scikit-learn's`, async () => {
    const p = await new PolynomialFeatures(c.params).fit(X);
    assert.deepEqual(p.powers_, c.powers_);
    assert.equal(p.nOutputFeatures_, c.n_output_features_);
    assert.deepEqual(p.getFeatureNamesOut(), c.feature_names_out);
    assert.deepEqual(p.getFeatureNamesOut(['a', 'b', 'c']), c.feature_names_out_abc);
    const out = p.transform(X);
    assert.deepEqual(out.shape, [X.length, c.n_output_features_]);
    assert.deepEqual(out.columns, c.feature_names_out);
    // the same products in the same order: equal to the last bit
    assert.deepEqual(Array.from(out.data), c.transform.flat());
  });
}

test('PolynomialFeatures column j is the product of the inputs raised to powers_[j] (closed form)', async () => {
  const p = await new PolynomialFeatures({ degree: 4 }).fit(X);
  const out = p.transform(X);
  const k = p.nOutputFeatures_!;
  X.forEach((row, r) => p.powers_!.forEach((pw, j) => {
    const want = pw.reduce((acc, e, f) => acc * row[f] ** e, 1);
    assertClose([out.data[r * k + j]], [want], 1e-12, `row ${r}, ${p.getFeatureNamesOut()[j]}`);
  }));
});

test('PolynomialFeatures validates degree against includeBias, and names at getFeatureNamesOut', async () => {
  await assert.rejects(new PolynomialFeatures({ degree: 0, includeBias: false }).fit(X), /hyper-parameter degree must be above 0 when includeBias is false/);
  await assert.rejects(new PolynomialFeatures({ degree: [3, 2] }).fit(X), /hyper-parameter degree must be an integer ≥ 0 or \[minDegree, maxDegree\]/);
  await assert.rejects(new PolynomialFeatures({ degree: 1.5 }).fit(X), /degree/);
  assert.throws(() => new PolynomialFeatures().getFeatureNamesOut(), NotFittedError);
  const p = await new PolynomialFeatures().fit(X);
  assert.throws(() => p.getFeatureNamesOut(['a']), /inputFeatures: expected 3 names/);
  assert.throws(() => p.transform([[1, 2]]), /PolynomialFeatures.transform: X has 2 columns, 3 were seen at fit/);
});

checkEstimator('PolynomialFeatures', {
  make: () => new PolynomialFeatures({ degree: 3 }),
  paramToChange: ['interactionOnly', true],
  invalidParam: ['degree', -1],
  X,
  fittedState: (e) => [e.powers_, e.nOutputFeatures_],
  fittedMethods: ['transform', 'getFeatureNamesOut'],
});

// ---- on the cluster: block-wise, equal to the in-memory transform

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('PolynomialFeatures on a chunked Array: one task per chunk, equal to the in-memory result', async () => {
  const A = fromArray(Float64Array.from(X.flat()), { shape: [X.length, 3], chunks: 3 });
  for (const c of cases) {
    const p = await new PolynomialFeatures(c.params).fit(A);
    assert.equal(p.featureNamesIn_, undefined);
    const Z = p.transform(A);
    assert.equal(Z.numChunks, A.numChunks);
    assert.deepEqual(Z.shape, [X.length, c.n_output_features_]);
    assert.deepEqual(Array.from((await Z.compute()).data), c.transform.flat(), label(c));
  }
});

test('PolynomialFeatures on a DataFrame: a lazy DataFrame whose columns carry scikit-learn\'s names', async () => {
  const table = tableFromArrays({ a: Float64Array.from(X, (r) => r[0]), b: Float64Array.from(X, (r) => r[1]), c: Float64Array.from(X, (r) => r[2]) });
  const df = fromArrow(table, { npartitions: 3 });
  const c = cases.find((k) => JSON.stringify(k.params.degree) === '[2,3]' && k.params.includeBias)!;
  const p = await new PolynomialFeatures(c.params).fit(df);
  assert.deepEqual(p.featureNamesIn_, ['a', 'b', 'c']);
  const out = p.transform(df);
  assert.deepEqual(out.columns, c.feature_names_out_abc);
  assert.equal(out.npartitions, 3);
  const t = await out.compute();
  const got = X.flatMap((_, r) => c.feature_names_out_abc.map((n) => t.getChild(n)!.get(r) as number));
  assert.deepEqual(got, c.transform.flat());
});
