/** OneHotEncoder and OrdinalEncoder, as scikit-learn's, on in-memory tables, shoal Arrays and DataFrames. */
import * as arrow from 'apache-arrow';
import { BaseEstimator, checkParam, type Params } from '../base.js';
import { DataFrame, ShoalArray } from '../collections-bridge.js';
import { toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import {
  checkKinds, checkNoMissing, fmt, fmtList, isCategoryList, isCategoryType, readTable, sortCategories, uniquesOf,
  type Category, type CategoryTable, type Uniques,
} from './categories.js';
import { decodeRows, encodeColumns, encodedWidth, type EncodeSpec } from './encoder-ops.js';
import { collectionUniques } from './uniques.js';

/** What the encoders take: an array of rows of numbers and strings, a numeric `{ data, shape }` chunk, an Arrow table, a shoal Array or a DataFrame. */
export type CategoricalInput = (number | string)[][] | { data: ArrayLike<number>; shape: readonly number[] } | arrow.Table | ShoalArray | DataFrame;

/** The fit and transform both encoders share; they differ in the layout of the output. */
abstract class CategoricalEncoder<P extends Params & { categories: 'auto' | Category[][]; handleUnknown: string }> extends BaseEstimator<P> {
  nFeaturesIn_?: number;
  /** column names seen at fit (DataFrame, Arrow table) */
  featureNamesIn_?: string[];
  /** the categories of each feature, in encoding order (sorted when learnt) */
  categories_?: Category[][];

  get isFitted(): boolean { return this.categories_ !== undefined; }

  protected abstract readonly kind: 'onehot' | 'ordinal';
  protected abstract validateParams(): void;
  /** Work after the categories are known (drop indices, unknownValue checks). */
  protected abstract afterFit(): void;
  protected abstract drop(): (number | null)[] | null;
  protected abstract unknownValue(): number;
  abstract getFeatureNamesOut(inputFeatures?: string[]): string[];

  protected inputNames(): string[] {
    return this.featureNamesIn_ ?? Array.from({ length: this.nFeaturesIn_! }, (_, j) => `x${j}`);
  }

  protected validateCategories(): void {
    const c = this.params.categories;
    checkParam(this.constructor.name, 'categories', c, c === 'auto' || (Array.isArray(c) && c.every(isCategoryList)),
      "'auto' or a list per column of distinct categories (all numbers or all strings)");
  }

  /** Learns each column's categories (one pass over a collection: per-partition distinct values). */
  async fit(X: CategoricalInput): Promise<this> {
    this.validateParams();
    const E = this.constructor.name;
    let names: string[], named: boolean, u: Uniques;
    if (X instanceof DataFrame) {
      for (const f of X.schema.fields) if (!isCategoryType(f.type)) throw new TypeError(`X: column '${f.name}' has type ${f.type}; expected numbers, strings or categories`);
      names = X.columns; named = true;
      u = await collectionUniques(X, names);
    } else if (X instanceof ShoalArray) {
      if (X.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${X.shape.join(', ')}]`);
      names = Array.from({ length: X.cols! }, (_, j) => `x${j}`); named = false;
      u = await collectionUniques(X);
    } else {
      const t = readTable('X', X);
      names = t.names; named = t.named;
      u = uniquesOf(t.columns);
    }
    checkNoMissing('X', names, u.missing);
    checkKinds('X', names, u.values);
    const given = this.params.categories;
    let categories: Category[][];
    if (given === 'auto') {
      categories = u.values.map((v) => sortCategories(v));
    } else {
      if (given.length !== names.length) throw new RangeError(`${E}: hyper-parameter categories must have one list per column (${names.length}), got ${given.length}`);
      given.forEach((cats, j) => {
        if (typeof cats[0] === 'number' && cats.some((c, k) => k > 0 && (c as number) <= (cats[k - 1] as number))) {
          throw new RangeError(`${E}: hyper-parameter categories for column '${names[j]}' must be sorted ascending (numeric categories), got ${fmtList(cats)}`);
        }
        if (this.params.handleUnknown === 'error') {
          const known = new Set<Category>(cats);
          const unknown = u.values[j].filter((v) => !known.has(v));
          if (unknown.length) throw new RangeError(`${E}.fit: column '${names[j]}' has ${fmtList(sortCategories(unknown))}, not among the given categories ${fmtList(cats)}`);
        }
      });
      categories = given.map((c) => [...c]);
    }
    this.nFeaturesIn_ = names.length;
    this.featureNamesIn_ = named ? names : undefined;
    this.categories_ = categories;
    this.afterFit();
    return this;
  }

  protected spec(): EncodeSpec {
    return {
      estimator: this.constructor.name, kind: this.kind, names: this.inputNames(), categories: this.categories_!,
      handleUnknown: this.params.handleUnknown as EncodeSpec['handleUnknown'], unknownValue: this.unknownValue(), drop: this.drop(),
    };
  }

  /** In-memory X as columns in the order seen at fit (by name for an Arrow table fitted on names). */
  private columnsOf(X: unknown, method: string): CategoryTable {
    const t = readTable('X', X);
    const d = this.nFeaturesIn_!;
    if (t.named && this.featureNamesIn_) {
      const at = new Map(t.names.map((n, j) => [n, j]));
      const missing = this.featureNamesIn_.filter((n) => !at.has(n));
      if (missing.length) throw new RangeError(`${this.constructor.name}.${method}: X has no column ${missing.map((m) => `'${m}'`).join(', ')}; the columns seen at fit are ${this.featureNamesIn_.join(', ')}`);
      return { ...t, names: this.featureNamesIn_, columns: this.featureNamesIn_.map((n) => t.columns[at.get(n)!]) };
    }
    if (t.columns.length !== d) throw new RangeError(`${this.constructor.name}.${method}: X has ${t.columns.length} columns, ${d} were seen at fit`);
    return t;
  }

  /**
   * Encodes X: a Matrix in memory (columns named by getFeatureNamesOut), a
   * lazy float64 Array (one task per chunk), or a lazy DataFrame of float64
   * columns named by getFeatureNamesOut. An unknown category is an error
   * naming the column and the value, unless handleUnknown says otherwise.
   */
  transform(X: DataFrame): DataFrame;
  transform(X: ShoalArray): ShoalArray;
  transform(X: (number | string)[][] | MatrixLike): Matrix;
  transform(X: CategoricalInput): Matrix | ShoalArray | DataFrame {
    this.checkFitted('transform');
    const spec = this.spec();
    const outNames = this.getFeatureNamesOut();
    const d = this.nFeaturesIn_!;
    if (X instanceof DataFrame) {
      const cols = this.featureNamesIn_ ?? X.columns;
      X.checkColumns('X', cols);
      if (cols.length !== d) throw new RangeError(`${spec.estimator}.transform: X has ${cols.length} columns, ${d} were seen at fit`);
      const schema = new arrow.Schema(outNames.map((n) => new arrow.Field(n, new arrow.Float64(), false)));
      return X.partitionwise(this.kind, 'ml.encode.table', [{ ...spec, names: cols }, outNames], { schema, lengths: [...X.lengths] });
    }
    if (X instanceof ShoalArray) {
      if (X.ndim !== 2 || X.cols !== d) throw new RangeError(`${spec.estimator}.transform: expected X of ${d} columns (as at fit), got shape [${X.shape.join(', ')}]`);
      return X.mapBlocks('ml.encode.chunk', { args: [spec], dtype: 'float64', cols: encodedWidth(spec) });
    }
    const t = this.columnsOf(X, 'transform');
    const data = encodeColumns(t.columns, t.rows, spec);
    return { data, shape: [t.rows, encodedWidth(spec)], columns: outNames };
  }

  /** The categories back from encoded rows (in memory): one row of values per row, null for an unknown. */
  inverseTransform(X: MatrixLike): (Category | null)[][] {
    this.checkFitted('inverseTransform');
    const spec = this.spec();
    const m = toMatrix('X', X, { allowNonFinite: true });
    const w = encodedWidth(spec);
    if (m.shape[1] !== w) throw new RangeError(`${spec.estimator}.inverseTransform: X has ${m.shape[1]} columns, the encoding has ${w}`);
    return decodeRows(m.data, m.shape[0], spec);
  }

  /** `fit` then `transform`. */
  async fitTransform(X: CategoricalInput): Promise<Matrix | ShoalArray | DataFrame> {
    await this.fit(X);
    return this.transform(X as MatrixLike);
  }
}

export interface OneHotEncoderParams extends Record<string, unknown> {
  /** 'auto' (the sorted distinct values seen at fit) or a list of categories per column */
  categories: 'auto' | Category[][];
  /** 'error': an unknown category at transform throws; 'ignore': its columns are all zero */
  handleUnknown: 'error' | 'ignore';
  /** null, 'first', 'if_binary' (the first of two categories), or one category per column to drop */
  drop: null | 'first' | 'if_binary' | Category[];
}

/**
 * One indicator column per category (`${feature}_${category}`, float64), as
 * scikit-learn's OneHotEncoder with dense output. Categories are learnt in
 * one pass over a collection. Missing values (null, NaN) are rejected
 * (scikit-learn would encode them as a category of their own). Names of
 * numeric categories use JavaScript's number formatting (`x1_10`; a float
 * column's 1.0 is "1" here, "1.0" in scikit-learn).
 *
 * @example
 * const enc = await new OneHotEncoder({ handleUnknown: 'ignore' }).fit(df.select(['vendor', 'payment_type']));
 * enc.transform(df.select(['vendor', 'payment_type']));   // lazy DataFrame: vendor_1, vendor_2, payment_type_1, …
 */
export class OneHotEncoder extends CategoricalEncoder<OneHotEncoderParams> {
  /** per feature, the index in categories_ of the dropped category (null: none); null when drop is null */
  dropIdx_?: (number | null)[] | null;
  protected readonly kind = 'onehot' as const;

  constructor(params: Partial<OneHotEncoderParams> = {}) {
    super({ categories: 'auto', handleUnknown: 'error', drop: null }, params);
  }

  protected validateParams(): void {
    const p = this.params;
    this.validateCategories();
    checkParam('OneHotEncoder', 'handleUnknown', p.handleUnknown, p.handleUnknown === 'error' || p.handleUnknown === 'ignore', "'error' or 'ignore'");
    checkParam('OneHotEncoder', 'drop', p.drop, p.drop === null || p.drop === 'first' || p.drop === 'if_binary'
      || (Array.isArray(p.drop) && p.drop.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))),
    "null, 'first', 'if_binary' or one category per column");
  }

  protected afterFit(): void {
    const { drop } = this.params;
    const cats = this.categories_!;
    if (drop === null) { this.dropIdx_ = null; return; }
    if (drop === 'first') { this.dropIdx_ = cats.map(() => 0); return; }
    if (drop === 'if_binary') { this.dropIdx_ = cats.map((c) => (c.length === 2 ? 0 : null)); return; }
    if (drop.length !== cats.length) throw new RangeError(`OneHotEncoder: hyper-parameter drop must have one category per column (${cats.length}), got ${drop.length}`);
    const names = this.inputNames();
    this.dropIdx_ = drop.map((v, j) => {
      const k = cats[j].indexOf(v);
      if (k < 0) throw new RangeError(`OneHotEncoder: hyper-parameter drop names ${fmt(v)} for column '${names[j]}', which is not among its categories ${fmtList(cats[j])}`);
      return k;
    });
  }

  protected drop(): (number | null)[] | null { return this.dropIdx_ ?? null; }
  protected unknownValue(): number { return NaN; }

  /** `${feature}_${category}` for every encoded (not dropped) category; features are `inputFeatures`, the names seen at fit, or x0, x1, …. */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    this.checkFitted('getFeatureNamesOut');
    const names = checkInputFeatures(inputFeatures, this.inputNames(), this.featureNamesIn_);
    return this.categories_!.flatMap((cats, j) => cats.flatMap((c, k) => (this.dropIdx_?.[j] === k ? [] : [`${names[j]}_${c}`])));
  }
}

export interface OrdinalEncoderParams extends Record<string, unknown> {
  /** 'auto' (the sorted distinct values seen at fit) or a list of categories per column */
  categories: 'auto' | Category[][];
  /** 'error': an unknown category at transform throws; 'use_encoded_value': it becomes unknownValue */
  handleUnknown: 'error' | 'use_encoded_value';
  /** the code of unknown categories (an integer not used by any category, or NaN); only with 'use_encoded_value' */
  unknownValue: number | null;
}

/**
 * Each category replaced by its index in `categories_` (float64, same
 * column names), as scikit-learn's OrdinalEncoder. Missing values are
 * rejected.
 *
 * @example
 * const enc = await new OrdinalEncoder({ handleUnknown: 'use_encoded_value', unknownValue: -1 }).fit(rows);
 * enc.transform([['red', 3]]).data;   // Float64Array [2, 1]
 */
export class OrdinalEncoder extends CategoricalEncoder<OrdinalEncoderParams> {
  protected readonly kind = 'ordinal' as const;

  constructor(params: Partial<OrdinalEncoderParams> = {}) {
    super({ categories: 'auto', handleUnknown: 'error', unknownValue: null }, params);
  }

  protected validateParams(): void {
    const p = this.params;
    this.validateCategories();
    checkParam('OrdinalEncoder', 'handleUnknown', p.handleUnknown, p.handleUnknown === 'error' || p.handleUnknown === 'use_encoded_value', "'error' or 'use_encoded_value'");
    if (p.handleUnknown === 'use_encoded_value') {
      checkParam('OrdinalEncoder', 'unknownValue', p.unknownValue, typeof p.unknownValue === 'number' && (Number.isInteger(p.unknownValue) || Number.isNaN(p.unknownValue)),
        "an integer or NaN when handleUnknown is 'use_encoded_value'");
    } else {
      checkParam('OrdinalEncoder', 'unknownValue', p.unknownValue, p.unknownValue === null, "null unless handleUnknown is 'use_encoded_value'");
    }
  }

  protected afterFit(): void {
    const u = this.params.unknownValue;
    if (typeof u === 'number' && Number.isInteger(u)) {
      const clash = this.categories_!.findIndex((c) => u >= 0 && u < c.length);
      if (clash >= 0) {
        throw new RangeError(`OrdinalEncoder: hyper-parameter unknownValue must not be a code of a category seen at fit (column '${this.inputNames()[clash]}' uses 0…${this.categories_![clash].length - 1}), got ${u}`);
      }
    }
  }

  protected drop(): null { return null; }
  protected unknownValue(): number { return this.params.unknownValue ?? NaN; }

  /** The input feature names (the codes keep their columns). */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    this.checkFitted('getFeatureNamesOut');
    return checkInputFeatures(inputFeatures, this.inputNames(), this.featureNamesIn_);
  }
}

/** scikit-learn's `_check_feature_names_in`: given names must match the fitted count (and the fitted names, when there were any). */
function checkInputFeatures(given: string[] | undefined, defaults: string[], fitted: string[] | undefined): string[] {
  if (given === undefined) return defaults;
  if (!Array.isArray(given) || given.length !== defaults.length) throw new RangeError(`inputFeatures: expected ${defaults.length} names (one per input feature), got ${JSON.stringify(given)}`);
  if (fitted && given.some((n, j) => n !== fitted[j])) throw new RangeError(`inputFeatures: expected the names seen at fit (${fitted.join(', ')}), got ${given.join(', ')}`);
  return given;
}
