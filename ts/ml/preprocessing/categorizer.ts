/**
 * Categorizer and DummyEncoder, as dask-ml's: turn string columns into
 * categoricals (Arrow dictionary columns with the same categories in every
 * partition), and categorical columns into uint8 dummy columns.
 */
import * as arrow from 'apache-arrow';
import { BaseEstimator, checkParam } from '../base.js';
import { DataFrame } from '../collections-bridge.js';
import { toMatrix, type MatrixLike } from '../validation.js';
import {
  checkKinds, isCategoryList, isStringLike, readTable, sortCategories, uniquesOf, vectorValues,
  type Category, type CategoryTable,
} from './categories.js';
import { categorizeChecked, dummyDecode, dummyEncode, type DummySpec } from './encoder-ops.js';
import { collectionUniques } from './uniques.js';

/** What Categorizer and DummyEncoder take: a DataFrame, an Arrow table, or rows of numbers and strings (columns x0, x1, …). */
export type FrameInput = DataFrame | arrow.Table | (number | string)[][];

/** An in-memory table of rows as Arrow (numbers as float64, strings as utf8). */
function arrowOf(t: CategoryTable): arrow.Table {
  const cols: Record<string, arrow.Vector> = {};
  t.names.forEach((n, j) => {
    const c = t.columns[j];
    cols[n] = c.every((v) => typeof v === 'number') ? arrow.makeVector(Float64Array.from(c as number[])) : arrow.vectorFromArray(c.map((v) => String(v)), new arrow.Utf8());
  });
  return new arrow.Table(cols);
}

function asTable(X: unknown): arrow.Table {
  return X instanceof arrow.Table ? X : arrowOf(readTable('X', X));
}

function schemaOf(X: DataFrame | arrow.Table): arrow.Schema {
  return X.schema as arrow.Schema;
}

function checkHas(X: DataFrame | arrow.Table, argName: string, cols: string[]): void {
  const have = new Set(schemaOf(X).fields.map((f) => f.name));
  const missing = cols.filter((c) => !have.has(c));
  if (missing.length) throw new RangeError(`${argName}: no column named ${missing.map((m) => `'${m}'`).join(', ')}; the columns are ${[...have].join(', ')}`);
}

/** The categories of an in-memory dictionary column: its dictionary's values (every batch's, in order of appearance). */
function dictionaryCategories(vec: arrow.Vector): Category[] {
  const seen = new Set<Category>();
  for (const d of vec.data) if (d.dictionary) for (const v of vectorValues(d.dictionary)) if (v !== null) seen.add(v);
  return [...seen];
}

function dictionaryField(name: string, cats: Category[]): arrow.Field {
  const valueType = cats.every((c) => typeof c === 'number') ? new arrow.Float64() : new arrow.Utf8();
  return new arrow.Field(name, new arrow.Dictionary(valueType, new arrow.Int32()), true);
}

export interface CategorizerParams extends Record<string, unknown> {
  /** categories per column, in the given order (then `columns` is ignored); null: learn them */
  categories: Record<string, Category[]> | null;
  /** the columns to categorize; null: every string and categorical column */
  columns: string[] | null;
}

/**
 * Turns columns into categoricals, as dask-ml's Categorizer: by default
 * every string column (and categorical ones, whose categories are kept), with
 * categories learnt as the sorted distinct values (one pass over a
 * DataFrame), or as given. Other columns pass through. Nulls stay null; a
 * value outside the categories at transform is an error naming the column
 * and the value (pandas would make it null silently).
 *
 * @example
 * const cz = await new Categorizer().fit(df);          // learns the string columns' categories
 * const cat = cz.transform(df);                        // lazy DataFrame, categories known
 * const dummies = (await new DummyEncoder().fit(cat)).transform(cat);
 */
export class Categorizer extends BaseEstimator<CategorizerParams> {
  /** the categorized columns */
  columns_?: string[];
  /** their categories, in code order */
  categories_?: Record<string, Category[]>;

  constructor(params: Partial<CategorizerParams> = {}) {
    super({ categories: null, columns: null }, params);
  }

  get isFitted(): boolean { return this.categories_ !== undefined; }

  async fit(X: FrameInput): Promise<this> {
    const { categories, columns } = this.params;
    checkParam('Categorizer', 'categories', categories, categories === null || (typeof categories === 'object' && !Array.isArray(categories)
      && Object.values(categories).every(isCategoryList)), 'null or { column: [categories] } with distinct numbers or strings per column');
    checkParam('Categorizer', 'columns', columns, columns === null || (Array.isArray(columns) && columns.every((c) => typeof c === 'string')), 'null or a list of column names');
    const frame = X instanceof DataFrame ? X : asTable(X);
    if (categories !== null) {
      checkHas(frame, 'categories', Object.keys(categories));
      this.columns_ = Object.keys(categories);
      this.categories_ = Object.fromEntries(Object.entries(categories).map(([c, v]) => [c, [...v]]));
      return this;
    }
    const fields = schemaOf(frame).fields;
    const cols = columns ?? fields.filter((f) => isStringLike(f.type)).map((f) => f.name);
    checkHas(frame, 'columns', cols);
    const learnt: Record<string, Category[]> = {};
    if (frame instanceof DataFrame) {
      const unknown = cols.filter((c) => !frame.categories[c]);
      const u = unknown.length ? await collectionUniques(frame, unknown) : { values: [] };
      checkKinds('X', unknown, u.values);
      for (const c of cols) learnt[c] = frame.categories[c] ? [...frame.categories[c]] : sortCategories(u.values[unknown.indexOf(c)]);
    } else {
      for (const c of cols) {
        const vec = frame.getChild(c)!;
        if (arrow.DataType.isDictionary(vec.type)) { learnt[c] = dictionaryCategories(vec); continue; }
        const u = uniquesOf([vectorValues(vec)]);
        checkKinds('X', [c], u.values);
        learnt[c] = sortCategories(u.values[0]);
      }
    }
    this.columns_ = cols;
    this.categories_ = learnt;
    return this;
  }

  /** The columns as categoricals: a lazy DataFrame (categories known), or an Arrow table for in-memory X. */
  transform(X: DataFrame): DataFrame;
  transform(X: arrow.Table | (number | string)[][]): arrow.Table;
  transform(X: FrameInput): DataFrame | arrow.Table {
    this.checkFitted('transform');
    const cats = this.categories_!;
    if (X instanceof DataFrame) {
      X.checkColumns('X', Object.keys(cats));
      const schema = new arrow.Schema(X.schema.fields.map((f) => (cats[f.name] ? dictionaryField(f.name, cats[f.name]) : f)));
      return X.partitionwise('categorizer', 'ml.categorize', ['Categorizer', cats], { schema, lengths: [...X.lengths], categories: { ...X.categories, ...cats } });
    }
    const t = asTable(X);
    checkHas(t, 'X', Object.keys(cats));
    return categorizeChecked(t, 'Categorizer', cats);
  }

  async fitTransform(X: FrameInput): Promise<DataFrame | arrow.Table> {
    await this.fit(X);
    return this.transform(X as arrow.Table);
  }
}

export interface DummyEncoderParams extends Record<string, unknown> {
  /** the categorical columns to encode; null: every categorical column */
  columns: string[] | null;
  /** leave out each column's first category (k − 1 dummies) */
  dropFirst: boolean;
}

/**
 * Dummy (one-hot) encodes categorical columns, as dask-ml's DummyEncoder
 * (pandas' `get_dummies`): the other columns first, in order, then one uint8
 * column `${column}_${category}` per category of each encoded column. The
 * columns must be categorical with known categories (Categorizer first). A
 * null gives all zeros; a value outside the categories is an error.
 * `inverseTransform` rebuilds the categorical columns.
 */
export class DummyEncoder extends BaseEstimator<DummyEncoderParams> {
  /** the columns seen at fit */
  columns_?: string[];
  /** the columns after encoding */
  transformedColumns_?: string[];
  categoricalColumns_?: string[];
  nonCategoricalColumns_?: string[];
  /** the categories of each encoded column */
  dtypes_?: Record<string, Category[]>;
  /** each encoded column's [start, end) in transformedColumns_ */
  categoricalBlocks_?: Record<string, [number, number]>;

  constructor(params: Partial<DummyEncoderParams> = {}) {
    super({ columns: null, dropFirst: false }, params);
  }

  get isFitted(): boolean { return this.transformedColumns_ !== undefined; }

  async fit(X: FrameInput): Promise<this> {
    const { columns, dropFirst } = this.params;
    checkParam('DummyEncoder', 'columns', columns, columns === null || (Array.isArray(columns) && columns.every((c) => typeof c === 'string')), 'null or a list of column names');
    checkParam('DummyEncoder', 'dropFirst', dropFirst, typeof dropFirst === 'boolean', 'a boolean');
    const frame = X instanceof DataFrame ? X : asTable(X);
    const fields = schemaOf(frame).fields;
    const known: Record<string, Category[]> = {};
    for (const f of fields) {
      if (!arrow.DataType.isDictionary(f.type)) continue;
      if (frame instanceof DataFrame) { if (frame.categories[f.name]) known[f.name] = frame.categories[f.name]; } else known[f.name] = dictionaryCategories(frame.getChild(f.name)!);
    }
    const cats = columns ?? fields.map((f) => f.name).filter((c) => known[c]);
    checkHas(frame, 'columns', cats);
    for (const c of cats) {
      if (!known[c]) {
        const f = fields.find((x) => x.name === c)!;
        throw new TypeError(`columns: '${c}' is ${arrow.DataType.isDictionary(f.type) ? 'categorical without known categories' : `not categorical (${f.type})`}; use Categorizer first`);
      }
    }
    this.columns_ = fields.map((f) => f.name);
    this.categoricalColumns_ = [...cats];
    this.nonCategoricalColumns_ = this.columns_.filter((c) => !cats.includes(c));
    this.dtypes_ = Object.fromEntries(cats.map((c) => [c, [...known[c]]]));
    const out = [...this.nonCategoricalColumns_];
    this.categoricalBlocks_ = {};
    for (const c of cats) {
      const start = out.length;
      for (const v of dropFirst ? known[c].slice(1) : known[c]) out.push(`${c}_${v}`);
      this.categoricalBlocks_[c] = [start, out.length];
    }
    this.transformedColumns_ = out;
    return this;
  }

  private spec(): DummySpec {
    return { estimator: 'DummyEncoder', columns: this.categoricalColumns_!, categories: this.categoricalColumns_!.map((c) => this.dtypes_![c]), dropFirst: this.params.dropFirst };
  }

  private checkSame(got: string[], want: string[], method: string): void {
    if (got.length !== want.length || got.some((c, i) => c !== want[i])) {
      throw new RangeError(`DummyEncoder.${method}: the columns of X (${got.join(', ')}) differ from those ${method === 'transform' ? 'seen at fit' : 'of the encoding'} (${want.join(', ')})`);
    }
  }

  /** Dummy columns: a lazy DataFrame, or an Arrow table for in-memory X. */
  transform(X: DataFrame): DataFrame;
  transform(X: arrow.Table | (number | string)[][]): arrow.Table;
  transform(X: FrameInput): DataFrame | arrow.Table {
    this.checkFitted('transform');
    const spec = this.spec();
    if (X instanceof DataFrame) {
      this.checkSame(X.columns, this.columns_!, 'transform');
      const fields = X.schema.fields.filter((f) => !spec.columns.includes(f.name));
      for (const name of this.transformedColumns_!.slice(fields.length)) fields.push(new arrow.Field(name, new arrow.Uint8(), false));
      const categories = Object.fromEntries(Object.entries(X.categories).filter(([c]) => !spec.columns.includes(c)));
      return X.partitionwise('dummy-encoder', 'ml.dummyEncode', [spec], { schema: new arrow.Schema(fields), lengths: [...X.lengths], categories });
    }
    const t = asTable(X);
    this.checkSame(t.schema.fields.map((f) => f.name), this.columns_!, 'transform');
    return dummyEncode(t, spec);
  }

  /**
   * The categorical columns rebuilt from their dummies (an all-zero block is
   * the first category under dropFirst, else null), in the columns' order at
   * fit. X: the transformed DataFrame or Arrow table, or a matrix whose
   * columns are transformedColumns_.
   */
  inverseTransform(X: DataFrame): DataFrame;
  inverseTransform(X: arrow.Table | MatrixLike): arrow.Table;
  inverseTransform(X: DataFrame | arrow.Table | MatrixLike): DataFrame | arrow.Table {
    this.checkFitted('inverseTransform');
    const spec = this.spec();
    const names = this.transformedColumns_!;
    if (X instanceof DataFrame) {
      this.checkSame(X.columns, names, 'inverseTransform');
      const fields = this.columns_!.map((c) => (this.dtypes_![c] ? dictionaryField(c, this.dtypes_![c]) : X.schema.fields.find((f) => f.name === c)!));
      return X.partitionwise('dummy-decoder', 'ml.dummyDecode', [spec, this.columns_], { schema: new arrow.Schema(fields), lengths: [...X.lengths], categories: { ...X.categories, ...this.dtypes_ } });
    }
    let t: arrow.Table;
    if (X instanceof arrow.Table) {
      t = X;
      this.checkSame(t.schema.fields.map((f) => f.name), names, 'inverseTransform');
    } else {
      const m = toMatrix('X', X);
      if (m.shape[1] !== names.length) throw new RangeError(`DummyEncoder.inverseTransform: X has ${m.shape[1]} columns, the encoding has ${names.length}`);
      t = new arrow.Table(Object.fromEntries(names.map((n, j) => [n, arrow.makeVector(Float64Array.from({ length: m.shape[0] }, (_, r) => m.data[r * names.length + j]))])));
    }
    return dummyDecode(t, spec, this.columns_!);
  }

  async fitTransform(X: FrameInput): Promise<DataFrame | arrow.Table> {
    await this.fit(X);
    return this.transform(X as arrow.Table);
  }
}
