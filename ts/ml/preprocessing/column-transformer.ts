/**
 * The shared shape of per-column scalers: learn per-column statistics
 * (in memory, or as a tree reduction over a shoal Array/DataFrame), then
 * transform each column with an affine map `(x − sub)·mul + add`.
 *
 * Inputs and outputs keep their kind: in-memory X gives a `Matrix`, a shoal
 * Array a lazy Array (one task per chunk), a DataFrame a lazy DataFrame with
 * the same column names.
 */
import { BaseEstimator, type Params } from '../base.js';
import { DataFrame, frameToArray, ShoalArray } from '../collections-bridge.js';
import { toMatrix, type Matrix, type MatrixLike } from '../validation.js';
import { affineColumns } from './ops.js';

export interface Affine { sub: Float64Array; mul: Float64Array; add: Float64Array }

export type ColumnInput = MatrixLike | ShoalArray | DataFrame;

export abstract class ColumnTransformer<P extends Params> extends BaseEstimator<P> {
  nFeaturesIn_?: number;
  /** Column names seen at fit, when X had names (DataFrame, Arrow table). */
  featureNamesIn_?: string[];

  get isFitted(): boolean { return this.nFeaturesIn_ !== undefined; }

  /** Learns the statistics; resolves to the estimator. */
  async fit(X: ColumnInput): Promise<this> {
    this.validateParams();
    if (X instanceof DataFrame) {
      await this.learnLazy(frameToArray(X));
      this.nFeaturesIn_ = X.columns.length;
      this.featureNamesIn_ = X.columns;
    } else if (X instanceof ShoalArray) {
      if (X.ndim !== 2) throw new RangeError(`X: expected a 2-D Array, got shape [${X.shape.join(', ')}]`);
      await this.learnLazy(X.astype('float64'));
      this.nFeaturesIn_ = X.cols!;
      this.featureNamesIn_ = undefined;
    } else {
      const m = toMatrix('X', X);
      this.learnInMemory(m);
      this.nFeaturesIn_ = m.shape[1];
      this.featureNamesIn_ = m.columns;
    }
    return this;
  }

  /** Applies the learned map. */
  transform(X: DataFrame): DataFrame;
  transform(X: ShoalArray): ShoalArray;
  transform(X: MatrixLike): Matrix;
  transform(X: ColumnInput): Matrix | ShoalArray | DataFrame {
    this.checkFitted('transform');
    return this.apply(X, this.forward(), 'transform');
  }

  /** Undoes `transform`. */
  inverseTransform(X: DataFrame): DataFrame;
  inverseTransform(X: ShoalArray): ShoalArray;
  inverseTransform(X: MatrixLike): Matrix;
  inverseTransform(X: ColumnInput): Matrix | ShoalArray | DataFrame {
    this.checkFitted('inverseTransform');
    return this.apply(X, this.inverse(), 'inverseTransform');
  }

  /** `fit` then `transform` on the same X. */
  async fitTransform(X: ColumnInput): Promise<Matrix | ShoalArray | DataFrame> {
    await this.fit(X);
    return this.transform(X as MatrixLike);
  }

  private apply(X: ColumnInput, a: Affine, method: string): Matrix | ShoalArray | DataFrame {
    const n = this.nFeaturesIn_!;
    const name = this.constructor.name;
    if (X instanceof DataFrame) {
      const cols = this.featureNamesIn_ ?? X.columns;
      X.checkColumns('X', cols);
      if (cols.length !== n) throw new RangeError(`${name}.${method}: X has ${cols.length} columns, ${n} were seen at fit`);
      return X.assign(Object.fromEntries(cols.map((c, j) => [c, X.col(c).sub(a.sub[j]).mul(a.mul[j]).add(a.add[j])])));
    }
    if (X instanceof ShoalArray) {
      if (X.ndim !== 2 || X.cols !== n) throw new RangeError(`${name}.${method}: expected X of ${n} columns (as at fit), got shape [${X.shape.join(', ')}]`);
      return X.mapBlocks('ml.affineColumns', { args: [Array.from(a.sub), Array.from(a.mul), Array.from(a.add)], dtype: 'float64' });
    }
    const m = toMatrix('X', X);
    if (m.shape[1] !== n) throw new RangeError(`${name}.${method}: X has ${m.shape[1]} columns, ${n} were seen at fit`);
    const out = affineColumns(m, a.sub, a.mul, a.add);
    return { data: out.data as Float64Array, shape: m.shape, columns: m.columns };
  }

  /** Checks the hyper-parameters (called by `fit`). */
  protected abstract validateParams(): void;
  protected abstract learnInMemory(X: Matrix): void;
  protected abstract learnLazy(X: ShoalArray): Promise<void>;
  protected abstract forward(): Affine;
  protected abstract inverse(): Affine;
}

/** scikit-learn's `_handle_zeros_in_scale`: a (near-)zero scale becomes 1, so constant columns pass through. */
export function safeScale(scale: Float64Array, reference: Float64Array): Float64Array {
  return scale.map((s, j) => (Math.abs(s) < 10 * Number.EPSILON * Math.max(1, Math.abs(reference[j])) ? 1 : s));
}
