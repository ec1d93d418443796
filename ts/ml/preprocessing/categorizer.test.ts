import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { Client } from '../../actors/mod.js';
import { fromArrow } from '../../collections/dataframe/io.js';
import { checkEstimator } from '../testing/conformance.js';
import { pp } from '../testdata-preprocessing.js';
import { Categorizer, DummyEncoder } from './categorizer.js';
import { categorizeChecked } from './encoder-ops.js';

/** Categorical columns over given categories (several per table). */
const categorizeTable = (t: arrow.Table, cats: Record<string, string[]>): arrow.Table => categorizeChecked(t, 'test', cats);

const ref = pp.categorizer;
const frame: { A: number[]; B: string[]; C: number[]; D: string[] } = ref.frame;
const rows = frame.A.length;

/** dask-ml's test frame: A int32, B strings, C float64, D strings. */
function table(): arrow.Table {
  return new arrow.Table({
    A: arrow.makeVector(Int32Array.from(frame.A)),
    B: arrow.vectorFromArray(frame.B, new arrow.Utf8()),
    C: arrow.makeVector(Float64Array.from(frame.C)),
    D: arrow.vectorFromArray(frame.D, new arrow.Utf8()),
  });
}

/** A dictionary column's codes (null → −1). */
function codes(t: arrow.Table, col: string): number[] {
  const vec = t.getChild(col)!;
  assert.ok(arrow.DataType.isDictionary(vec.type), `${col} is categorical`);
  const out: number[] = [];
  for (const d of vec.data) for (let i = 0; i < d.length; i++) out.push(d.getValid(i) ? Number((d.values as Int32Array)[d.offset + i]) : -1);
  return out;
}

test('Categorizer finds the string columns and their sorted categories, as dask-ml', async () => {
  const cz = await new Categorizer().fit(table());
  assert.deepEqual(cz.columns_, ref.default.columns_);
  assert.deepEqual(cz.categories_, ref.default.categories_);
  const t = cz.transform(table());
  assert.deepEqual(t.schema.fields.map((f) => f.name), ['A', 'B', 'C', 'D']);
  assert.deepEqual(codes(t, 'B'), ref.default.codes.B);
  assert.deepEqual(codes(t, 'D'), ref.default.codes.D);
  assert.deepEqual(Array.from(t.getChild('C')!.toArray() as Float64Array), frame.C);
});

test('Categorizer with columns, or with given categories in their order, as dask-ml', async () => {
  const only = await new Categorizer({ columns: ['B'] }).fit(table());
  assert.deepEqual(only.columns_, ref.columns_B.columns_);
  assert.deepEqual(only.categories_, ref.columns_B.categories_);
  assert.equal(String(only.transform(table()).getChild('D')!.type), 'Utf8');
  const given = await new Categorizer({ categories: { B: ['c', 'a', 'b', 'z'] } }).fit(table());
  assert.deepEqual(given.columns_, ref.given.columns_);
  assert.deepEqual(codes(given.transform(table()), 'B'), ref.given.codes.B);
});

test('Categorizer: an unknown value at transform names the column and value; nulls stay null', async () => {
  const cz = await new Categorizer({ categories: { B: ['a', 'b'] } }).fit(table());
  assert.throws(() => cz.transform(table()), /Categorizer.transform: column 'B' has the unknown category "c"; the categories are "a", "b"/);
  const withNull = new arrow.Table({ B: arrow.vectorFromArray(['a', null, 'b'], new arrow.Utf8()) });
  assert.deepEqual(codes(cz.transform(withNull), 'B'), [0, -1, 1]);
  await assert.rejects(new Categorizer({ columns: ['Z'] }).fit(table()), /columns: no column named 'Z'; the columns are A, B, C, D/);
});

test('Categorizer on rows: string columns x0, x1, … become categorical in an Arrow table', async () => {
  const cz = await new Categorizer().fit([['b', 1], ['a', 2], ['b', 3]]);
  assert.deepEqual(cz.categories_, { x0: ['a', 'b'] });
  assert.deepEqual(codes(cz.transform([['a', 5]]), 'x0'), [0]);
});

const categorized = categorizeTable(table(), ref.default.categories_);

for (const [name, dropFirst] of [['default', false], ['drop_first', true]] as const) {
  test(`DummyEncoder ${name}: columns and uint8 dummies equal dask-ml's, and inverseTransform restores the categoricals`, async () => {
    const want = pp.dummy[name];
    const de = await new DummyEncoder({ dropFirst }).fit(categorized);
    assert.deepEqual(de.transformedColumns_, want.transformed_columns_);
    assert.deepEqual(de.categoricalColumns_, want.categorical_columns_);
    assert.deepEqual(de.nonCategoricalColumns_, want.non_categorical_columns_);
    assert.deepEqual(de.dtypes_, ref.default.categories_);
    const t = de.transform(categorized);
    assert.deepEqual(t.schema.fields.map((f) => f.name), want.transformed_columns_);
    for (const c of want.transformed_columns_ as string[]) {
      if (c.includes('_')) assert.equal(String(t.getChild(c)!.type), 'Uint8');
      assert.deepEqual(Array.from({ length: rows }, (_, r) => Number(t.getChild(c)!.get(r))), want.transform[c], c);
    }
    const back = de.inverseTransform(t);
    assert.deepEqual(back.schema.fields.map((f) => f.name), ['A', 'B', 'C', 'D']);
    assert.deepEqual(codes(back, 'B'), ref.default.codes.B);
    assert.deepEqual(codes(back, 'D'), ref.default.codes.D);
    assert.deepEqual(Array.from({ length: rows }, (_, r) => back.getChild('B')!.get(r)), frame.B);
  });
}

test('DummyEncoder rejects non-categorical columns, other columns at transform, and unknown values', async () => {
  await assert.rejects(new DummyEncoder({ columns: ['A'] }).fit(categorized), /columns: 'A' is not categorical \(Int32\); use Categorizer first/);
  const de = await new DummyEncoder().fit(categorized);
  assert.throws(() => de.transform(table().select(['A', 'B'])), /DummyEncoder.transform: the columns of X \(A, B\) differ from those seen at fit \(A, B, C, D\)/);
  const other = categorizeTable(table(), { B: ['a', 'b', 'c', 'q'], D: ['x', 'y'] });
  const keep = frame.B.flatMap((b, r) => (b === 'c' ? [] : [r]));
  const ab = new arrow.Table({
    A: arrow.makeVector(Int32Array.from(keep, (r) => frame.A[r])),
    B: arrow.vectorFromArray(keep.map((r) => frame.B[r]), new arrow.Utf8()),
    C: arrow.makeVector(Float64Array.from(keep, (r) => frame.C[r])),
    D: arrow.vectorFromArray(keep.map((r) => frame.D[r]), new arrow.Utf8()),
  });
  const narrow = await new DummyEncoder().fit(categorizeTable(ab, { B: ['a', 'b'], D: ['x', 'y'] }));
  assert.throws(() => narrow.transform(other), /DummyEncoder.transform: column 'B' has the unknown category "c"; the categories are "a", "b"/);
  // an all-zero block without dropFirst inverts to null
  const m = de.inverseTransform([[1, 0.5, 0, 0, 0, 1, 0]]);
  assert.equal(m.getChild('B')!.get(0), null);
  assert.equal(m.getChild('D')!.get(0), 'x');
});

checkEstimator('Categorizer', {
  make: () => new Categorizer(),
  paramToChange: ['columns', ['x0']],
  invalidParam: ['columns', 'x0'],
  X: [['b', 1], ['a', 2], ['c', 3]],
  fittedState: (e) => [e.columns_, e.categories_],
  fittedMethods: ['transform'],
});

checkEstimator('DummyEncoder', {
  make: () => new DummyEncoder(),
  paramToChange: ['dropFirst', true],
  invalidParam: ['dropFirst', 'yes'],
  X: categorized,
  fittedState: (e) => [e.transformedColumns_, e.dtypes_, e.categoricalBlocks_],
  fittedMethods: ['transform', 'inverseTransform'],
});

// ---- on the cluster: lazy frames, categories known, equal to the in-memory results

let client: Client;
before(async () => { client = await Client.local({ nWorkers: 2, threadsPerWorker: 1 }); });
after(async () => { await client.close(); });

test('Categorizer then DummyEncoder on a DataFrame: lazy frames equal to the in-memory tables, and back', async () => {
  const df = fromArrow(table(), { npartitions: 3 });
  const cz = await new Categorizer().fit(df);
  assert.deepEqual(cz.categories_, ref.default.categories_);
  const cat = cz.transform(df);
  assert.deepEqual(cat.categories, ref.default.categories_);
  const catT = await cat.compute();
  assert.deepEqual(codes(catT, 'B'), ref.default.codes.B);
  // a frame whose categories are known already keeps them, without a pass
  assert.deepEqual((await new Categorizer().fit(cat)).categories_, ref.default.categories_);

  const de = await new DummyEncoder({ dropFirst: true }).fit(cat);
  assert.deepEqual(de.transformedColumns_, pp.dummy.drop_first.transformed_columns_);
  const enc = de.transform(cat);
  assert.deepEqual(enc.columns, pp.dummy.drop_first.transformed_columns_);
  assert.deepEqual(enc.categories, {});
  const t = await enc.compute();
  for (const c of enc.columns) assert.deepEqual(Array.from({ length: rows }, (_, r) => Number(t.getChild(c)!.get(r))), pp.dummy.drop_first.transform[c], c);
  const back = de.inverseTransform(enc);
  assert.deepEqual(back.columns, ['A', 'B', 'C', 'D']);
  assert.deepEqual(back.categories, ref.default.categories_);
  const b = await back.compute();
  assert.deepEqual(Array.from({ length: rows }, (_, r) => b.getChild('D')!.get(r)), frame.D);
});

test('Categorizer on a DataFrame: an unknown value fails the partition that holds it, naming it', async () => {
  const cz = await new Categorizer({ categories: { D: ['x'] } }).fit(fromArrow(table(), { npartitions: 2 }));
  await assert.rejects(cz.transform(fromArrow(table(), { npartitions: 2 })).compute(), /Categorizer.transform: column 'D' has the unknown category "y"/);
});
