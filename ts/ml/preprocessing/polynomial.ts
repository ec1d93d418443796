/** PolynomialFeatures, as scikit-learn's. */
import * as arrow from 'apache-arrow';
import { BaseEstimator, checkParam } from '../base.js';
import { DataFrame, ShoalArray } from '../collections-bridge.js';
import { toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import { isNumericType } from '../../collections/dataframe/arrow-util.js';
import { polynomialChunk, type PolynomialSpec } from './ops.js';

export interface PolynomialFeaturesParams extends Record<string, unknown> {
  /** the largest degree, or [minDegree, maxDegree] */
  degree: number | [number, number];
  /** only products of distinct features (no x0^2) */
  interactionOnly: boolean;
  /** a first column of ones (degree 0) */
  includeBias: boolean;
}

export type PolynomialInput = MatrixLike | ShoalArray | DataFrame;

/** Combinations of `range(n)` of size k, lexicographic (Python's itertools; with replacement when `repeat`). */
function* combinations(n: number, k: number, repeat: boolean): Generator<number[]> {
  const c: number[] = [];
  function* rec(from: number): Generator<number[]> {
    if (c.length === k) { yield [...c]; return; }
    for (let i = from; i < n; i++) { c.push(i); yield* rec(repeat ? i : i + 1); c.pop(); }
  }
  yield* rec(0);
}

/**
 * All monomials of the features up to `degree`, with scikit-learn's column
 * order (`powers_`, degree by degree, each degree in lexicographic order of
 * the features) and names (`getFeatureNamesOut`: "1", "x0", "x0^2", "x0 x1").
 * The transform runs block-wise: one task per chunk or partition, computing
 * the products in scikit-learn's order, so the values agree to the last bit.
 *
 * @example
 * const p = await new PolynomialFeatures({ degree: 2 }).fit(df.select(['a', 'b']));
 * p.getFeatureNamesOut();   // ['1', 'a', 'b', 'a^2', 'a b', 'b^2']
 * p.transform(df.select(['a', 'b']));   // lazy DataFrame with those columns
 */
export class PolynomialFeatures extends BaseEstimator<PolynomialFeaturesParams> {
  nFeaturesIn_?: number;
  /** column names seen at fit (DataFrame, Arrow table) */
  featureNamesIn_?: string[];
  nOutputFeatures_?: number;
  /** `powers_[i][j]`: the exponent of input feature j in output column i */
  powers_?: number[][];
  private spec?: PolynomialSpec;

  constructor(params: Partial<PolynomialFeaturesParams> = {}) {
    super({ degree: 2, interactionOnly: false, includeBias: true }, params);
  }

  get isFitted(): boolean { return this.powers_ !== undefined; }

  private degrees(): [number, number] {
    const E = 'PolynomialFeatures';
    const { degree, interactionOnly, includeBias } = this.params;
    checkParam(E, 'interactionOnly', interactionOnly, typeof interactionOnly === 'boolean', 'a boolean');
    checkParam(E, 'includeBias', includeBias, typeof includeBias === 'boolean', 'a boolean');
    const range: [number, number] = Array.isArray(degree) ? [degree[0], degree[1]] : [0, degree];
    checkParam(E, 'degree', degree, (typeof degree === 'number' || (Array.isArray(degree) && degree.length === 2))
      && range.every((v) => Number.isInteger(v) && v >= 0) && range[0] <= range[1], 'an integer ≥ 0 or [minDegree, maxDegree] with 0 ≤ minDegree ≤ maxDegree');
    checkParam(E, 'degree', degree, range[1] > 0 || includeBias, 'above 0 when includeBias is false (the output would have no columns)');
    return range;
  }

  private powersFor(d: number, minDegree: number, maxDegree: number): number[][] {
    const { interactionOnly, includeBias } = this.params;
    const rows: number[][] = [];
    const add = (c: number[]): void => { const p = new Array<number>(d).fill(0); for (const j of c) p[j]++; rows.push(p); };
    if (includeBias) add([]);
    for (let k = Math.max(1, minDegree); k <= maxDegree; k++) for (const c of combinations(d, k, !interactionOnly)) add(c);
    return rows;
  }

  /** Learns the number (and names) of the input features; no pass over the data is needed. */
  async fit(X: PolynomialInput): Promise<this> {
    const [minDegree, maxDegree] = this.degrees();
    let d: number;
    let names: string[] | undefined;
    if (X instanceof DataFrame) {
      for (const f of X.schema.fields) if (!isNumericType(f.type)) throw new TypeError(`X: column '${f.name}' is ${f.type}; PolynomialFeatures needs numeric columns`);
      d = X.columns.length;
      names = X.columns;
    } else if (X instanceof ShoalArray) {
      if (X.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${X.shape.join(', ')}]`);
      d = X.cols!;
    } else {
      const m = toMatrix('X', X);
      d = m.shape[1];
      names = m.columns;
    }
    const powers = this.powersFor(d, minDegree, maxDegree);
    const nOutFull = this.powersFor(d, 0, maxDegree).length;
    this.nFeaturesIn_ = d;
    this.featureNamesIn_ = names;
    this.powers_ = powers;
    this.nOutputFeatures_ = powers.length;
    this.spec = { minDegree, maxDegree, interactionOnly: this.params.interactionOnly, includeBias: this.params.includeBias, nOutFull, nOut: powers.length };
    return this;
  }

  /**
   * Output column names: `inputFeatures` (default the names seen at fit, else
   * x0, x1, …) joined as scikit-learn does ("x0 x1", "x0^2", "1").
   */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    this.checkFitted('getFeatureNamesOut');
    const d = this.nFeaturesIn_!;
    let names = inputFeatures ?? this.featureNamesIn_ ?? Array.from({ length: d }, (_, j) => `x${j}`);
    if (inputFeatures !== undefined) {
      if (!Array.isArray(inputFeatures) || inputFeatures.length !== d) throw new RangeError(`inputFeatures: expected ${d} names (one per input feature), got ${JSON.stringify(inputFeatures)}`);
      if (this.featureNamesIn_ && inputFeatures.some((n, j) => n !== this.featureNamesIn_![j])) {
        throw new RangeError(`inputFeatures: expected the names seen at fit (${this.featureNamesIn_.join(', ')}), got ${inputFeatures.join(', ')}`);
      }
      names = inputFeatures;
    }
    return this.powers_!.map((row) => {
      const terms = row.flatMap((e, j) => (e === 0 ? [] : [e === 1 ? names[j] : `${names[j]}^${e}`]));
      return terms.length ? terms.join(' ') : '1';
    });
  }

  /** The monomials of X: a Matrix in memory, a lazy Array (one task per chunk) or a lazy DataFrame (columns named by getFeatureNamesOut). */
  transform(X: DataFrame): DataFrame;
  transform(X: ShoalArray): ShoalArray;
  transform(X: MatrixLike): Matrix;
  transform(X: PolynomialInput): Matrix | ShoalArray | DataFrame {
    this.checkFitted('transform');
    const d = this.nFeaturesIn_!;
    const spec = this.spec!;
    const names = this.getFeatureNamesOut();
    if (X instanceof DataFrame) {
      const cols = this.featureNamesIn_ ?? X.columns;
      X.checkColumns('X', cols);
      if (cols.length !== d) throw new RangeError(`PolynomialFeatures.transform: X has ${cols.length} columns, ${d} were seen at fit`);
      const schema = new arrow.Schema(names.map((n) => new arrow.Field(n, new arrow.Float64(), false)));
      return X.partitionwise('polynomial', 'ml.polynomialTable', [spec, cols, names], { schema, lengths: [...X.lengths] });
    }
    if (X instanceof ShoalArray) {
      if (X.ndim !== 2 || X.cols !== d) throw new RangeError(`PolynomialFeatures.transform: expected X of ${d} columns (as at fit), got shape [${X.shape.join(', ')}]`);
      return X.mapBlocks('ml.polynomial', { args: [spec], dtype: 'float64', cols: spec.nOut });
    }
    const m = toMatrix('X', X);
    if (m.shape[1] !== d) throw new RangeError(`PolynomialFeatures.transform: X has ${m.shape[1]} columns, ${d} were seen at fit`);
    const out = polynomialChunk(m, spec);
    return { data: out.data as Float64Array, shape: [m.shape[0], spec.nOut], columns: names };
  }

  /** `fit` then `transform`. */
  async fitTransform(X: PolynomialInput): Promise<Matrix | ShoalArray | DataFrame> {
    await this.fit(X);
    return this.transform(X as MatrixLike);
  }
}
