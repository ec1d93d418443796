/** LabelEncoder, as scikit-learn's: 1-D labels (numbers or strings) to codes 0…k−1 and back. */
import * as arrow from 'apache-arrow';
import { BaseEstimator, checkParam } from '../base.js';
import { ShoalArray } from '../collections-bridge.js';
import { checkKinds, checkNoMissing, fmt, fmtList, isCategoryList, readTable, sortCategories, vectorValues, type Category } from './categories.js';
import { collectionUniques } from './uniques.js';

export interface LabelEncoderParams extends Record<string, unknown> {
  /**
   * null: learn the sorted distinct labels at fit (scikit-learn); or the
   * labels fixed in advance, in encoding order (fit then only checks that y
   * holds no others). A shoal extension: scikit-learn's LabelEncoder has no
   * hyper-parameters.
   */
  classes: Category[] | null;
}

/** Labels: an array of numbers or strings, a typed array, an Arrow vector or one-column table, a column `[[y0], [y1], …]`, or a 1-D shoal Array. */
export type LabelsLike = readonly (number | string)[] | ArrayLike<number> | arrow.Vector | arrow.Table | (number | string)[][] | ShoalArray;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/** In-memory labels as a checked list (no missing values, one type). */
export function readLabels(name: string, y: unknown): Category[] {
  let values: (Category | null)[];
  if (y instanceof arrow.Vector) {
    values = vectorValues(y);
  } else if (y instanceof arrow.Table || (Array.isArray(y) && Array.isArray(y[0]))) {
    // a column of labels, read as a one-column table X (scikit-learn's column_or_1d)
    const t = readTable('X', y);
    if (t.columns.length !== 1) throw new RangeError(`${name}: expected 1-D labels or a single column, got ${t.columns.length} columns`);
    values = t.columns[0];
  } else if (Array.isArray(y) || ArrayBuffer.isView(y)) {
    const a = y as ArrayLike<unknown>;
    values = new Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new RangeError(`${name}: expected finite numbers, got ${v} at index ${i}`);
      } else if (typeof v !== 'string') {
        throw new TypeError(`${name}: expected a number or a string, got ${describe(v)} at index ${i}`);
      }
      values[i] = v;
    }
  } else {
    throw new TypeError(`${name}: expected an array of labels, a typed array, an Arrow vector or a 1-D shoal Array, got ${describe(y)}`);
  }
  if (values.length === 0) throw new RangeError(`${name}: expected at least one label, got 0`);
  const missing = values.filter((v) => v === null).length;
  checkNoMissing(name, null, [missing]);
  return values as Category[];
}

/**
 * Encodes labels as their index in `classes_` (the sorted distinct labels).
 * On a 1-D shoal Array of numbers the classes are found in one pass
 * (per-chunk sets) and transform / inverseTransform run block-wise.
 * Missing labels (NaN, null) are rejected.
 *
 * @example
 * const le = await new LabelEncoder().fit(['paris', 'tokyo', 'paris', 'lima']);
 * le.classes_;                       // ['lima', 'paris', 'tokyo']
 * le.transform(['tokyo', 'lima']);   // Int32Array [2, 0]
 * le.inverseTransform([1]);          // ['paris']
 */
export class LabelEncoder extends BaseEstimator<LabelEncoderParams> {
  /** the labels, in encoding order */
  classes_?: Category[];

  constructor(params: Partial<LabelEncoderParams> = {}) {
    super({ classes: null }, params);
  }

  get isFitted(): boolean { return this.classes_ !== undefined; }

  /** Learns the classes (or checks y against the given ones). */
  async fit(y: LabelsLike): Promise<this> {
    const { classes } = this.params;
    checkParam('LabelEncoder', 'classes', classes, classes === null || isCategoryList(classes), 'null or a list of distinct labels (all numbers or all strings)');
    let seen: Category[];
    if (y instanceof ShoalArray) {
      if (y.ndim !== 1) throw new RangeError(`y: expected a 1-D Array of labels, got shape [${y.shape.join(', ')}]`);
      const u = await collectionUniques(y);
      checkNoMissing('y', null, u.missing);
      seen = u.values[0];
      if (seen.length === 0) throw new RangeError('y: expected at least one label, got 0');
    } else {
      seen = [...new Set(readLabels('y', y))];
    }
    checkKinds('y', null, [seen]);
    if (classes === null) {
      this.classes_ = sortCategories(seen);
    } else {
      const known = new Set<Category>(classes);
      const extra = seen.filter((v) => !known.has(v));
      if (extra.length) throw new RangeError(`LabelEncoder.fit: y has ${fmtList(sortCategories(extra))}, not among the given classes ${fmtList(classes)}`);
      this.classes_ = [...classes];
    }
    return this;
  }

  /** The codes of y: an Int32Array, or a lazy int32 Array. An unseen label is an error naming it. */
  transform(y: ShoalArray): ShoalArray;
  transform(y: Exclude<LabelsLike, ShoalArray>): Int32Array;
  transform(y: LabelsLike): Int32Array | ShoalArray {
    this.checkFitted('transform');
    const classes = this.classes_!;
    if (y instanceof ShoalArray) {
      if (y.ndim !== 1) throw new RangeError(`y: expected a 1-D Array of labels, got shape [${y.shape.join(', ')}]`);
      return y.mapBlocks('ml.labelEncode', { args: [this.numericClasses('transform'), 'LabelEncoder'], dtype: 'int32' });
    }
    const index = new Map(classes.map((c, i) => [c, i]));
    return Int32Array.from(readLabels('y', y), (v) => {
      const k = index.get(v);
      if (k === undefined) throw new RangeError(`LabelEncoder.transform: y has the unseen label ${fmt(v)}; the classes are ${fmtList(classes)}`);
      return k;
    });
  }

  /** The labels of codes: an array, or a lazy float64 Array (numeric classes). */
  inverseTransform(codes: ShoalArray): ShoalArray;
  inverseTransform(codes: ArrayLike<number>): Category[];
  inverseTransform(codes: ArrayLike<number> | ShoalArray): Category[] | ShoalArray {
    this.checkFitted('inverseTransform');
    const classes = this.classes_!;
    if (codes instanceof ShoalArray) {
      if (codes.ndim !== 1) throw new RangeError(`y: expected a 1-D Array of codes, got shape [${codes.shape.join(', ')}]`);
      return codes.mapBlocks('ml.labelDecode', { args: [this.numericClasses('inverseTransform'), 'LabelEncoder'], dtype: 'float64' });
    }
    if (!(Array.isArray(codes) || ArrayBuffer.isView(codes))) throw new TypeError(`y: expected an array of codes, got ${describe(codes)}`);
    return Array.from(codes as ArrayLike<number>, (c, i) => {
      if (!(Number.isInteger(c) && c >= 0 && c < classes.length)) throw new RangeError(`LabelEncoder.inverseTransform: y has the code ${c} at index ${i}; expected an integer in [0, ${classes.length})`);
      return classes[c];
    });
  }

  /** `fit` then `transform`. */
  async fitTransform(y: LabelsLike): Promise<Int32Array | ShoalArray> {
    await this.fit(y);
    return this.transform(y as ShoalArray);
  }

  private numericClasses(method: string): number[] {
    const classes = this.classes_!;
    if (!classes.every((c) => typeof c === 'number')) throw new TypeError(`LabelEncoder.${method}: the classes are strings; a shoal Array holds numbers (encode string labels in memory)`);
    return classes as number[];
  }
}
