/**
 * The lazy DataFrame: partitions are Arrow tables made by tasks on the
 * workers. Every method returns a new frame (graph layers + one key per
 * partition + the Arrow schema, known row counts, known categories);
 * `compute` gives one Arrow table.
 */
import * as arrow from 'apache-arrow';
import { ref, type TaskSpec } from '../../actors/graph.js';
import { ShoalArray } from '../array/array.js';
import { describe as describeValue } from '../array/dtype.js';
import { computeKeys, persistKeys, retainKeys, type ComputeOptions } from '../graph/compute.js';
import { flatten, tokenize, withLayer, type Layers } from '../graph/layers.js';
import { treeReduce } from '../graph/reduce.js';
import { takeIndices, takeRowsPer, takeTasks } from '../graph/take.js';
import { concatTables, isNumericType } from './arrow-util.js';
import { Column, type ColumnLike } from './column.js';
import { typeOfField, type Expr } from './expr.js';
import { AGG_OPS, aggColumnName, type AggOp } from './groupby.js';
import { dummyName } from './categorical.js';
import type { ColumnStat } from './stats.js';

export interface FrameMeta {
  schema: arrow.Schema;
  /** rows per partition; NaN where unknown until computed */
  lengths: number[];
  /** categories of categorical columns, known after `categorize` */
  categories?: Record<string, (number | string)[]>;
}

/** A lazy value that computes to one object (a null count table, a scalar). */
export class LazyValue<T> {
  constructor(readonly layers: Layers, readonly key: string) {}
  async compute(options: ComputeOptions = {}): Promise<T> {
    const [v] = await computeKeys(this.layers, [this.key], options);
    return v as T;
  }
}

export class DataFrame {
  readonly schema: arrow.Schema;
  readonly lengths: readonly number[];
  readonly categories: Readonly<Record<string, (number | string)[]>>;

  constructor(readonly layers: Layers, readonly keys: readonly string[], meta: FrameMeta, readonly name: string) {
    if (keys.length !== meta.lengths.length) throw new RangeError(`lengths: expected ${keys.length} (one per partition), got ${meta.lengths.length}`);
    this.schema = meta.schema;
    this.lengths = meta.lengths;
    this.categories = meta.categories ?? {};
  }

  get columns(): string[] { return this.schema.fields.map((f) => f.name); }
  get npartitions(): number { return this.keys.length; }
  get dtypes(): Record<string, string> { return Object.fromEntries(this.schema.fields.map((f) => [f.name, String(f.type)])); }

  private meta(patch: Partial<FrameMeta> = {}): FrameMeta {
    return { schema: this.schema, lengths: [...this.lengths], categories: { ...this.categories }, ...patch };
  }

  /** A new frame of per-partition tasks `op(partition_i, ...args)`. */
  partitionwise(name: string, op: string, args: unknown[], meta: FrameMeta): DataFrame {
    const layer = `${name}-${tokenize(op, this.keys, args)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op, args: [ref(k), ...args] }); return key; });
    return new DataFrame(withLayer([this.layers], layer, tasks), keys, meta, layer);
  }

  /** Throws naming any column that is not in the frame. */
  checkColumns(argName: string, cols: string[]): void {
    if (!Array.isArray(cols)) throw new TypeError(`${argName}: expected a list of column names, got ${describeValue(cols)}`);
    const have = new Set(this.columns);
    const missing = cols.filter((c) => !have.has(c));
    if (missing.length) throw new RangeError(`${argName}: no column named ${missing.map((m) => `'${m}'`).join(', ')}; the columns are ${this.columns.join(', ')}`);
  }

  private field(name: string): arrow.Field {
    this.checkColumns('column', [name]);
    return this.schema.fields.find((f) => f.name === name)!;
  }

  /** A column expression (`df.col('x').mul(2)`, `df.col('t').dt.hour`). */
  col(name: string): Column {
    this.field(name);
    return new Column(this, { kind: 'col', name }, name);
  }

  /** Keeps the listed columns, in that order. */
  select(columns: string[] | string): DataFrame {
    const cols = typeof columns === 'string' ? [columns] : columns;
    this.checkColumns('columns', cols);
    const schema = new arrow.Schema(cols.map((c) => this.field(c)));
    return this.partitionwise('select', 'frame.select', [cols], this.meta({ schema }));
  }

  /** Adds or replaces columns with expressions or constants. */
  assign(columns: Record<string, ColumnLike>): DataFrame {
    // Expressions are row-wise and name columns, so they are evaluated on this
    // frame's partitions whichever frame built them (as polars' `pl.col`):
    // `df.filter(…).assign({ h: df.col('t').dt.hour })` means the kept rows' hours.
    const exprs: [string, Expr][] = Object.entries(columns).map(([name, v]) => [name, v instanceof Column ? v.expr : { kind: 'lit', value: v }]);
    const fields = [...this.schema.fields];
    for (const [name, e] of exprs) {
      const probe = new Column(this, e, name);
      const type = arrowTypeFor(probe.type, e, this.schema);
      const at = fields.findIndex((f) => f.name === name);
      const field = new arrow.Field(name, type, true);
      if (at >= 0) fields[at] = field;
      else fields.push(field);
    }
    return this.partitionwise('assign', 'frame.assign', [exprs], this.meta({ schema: new arrow.Schema(fields) }));
  }

  /** Rows where a boolean column expression holds (nulls drop out). */
  filter(predicate: Column): DataFrame {
    if (!(predicate instanceof Column)) throw new TypeError(`predicate: expected a boolean Column (df.col('x').gt(1)), got ${describeValue(predicate)}`);
    if (predicate.type !== 'bool') throw new TypeError(`predicate: expected a boolean column, got ${predicate.type}`);
    new Column(this, predicate.expr, predicate.name); // its columns must exist here (throws naming them)
    return this.partitionwise('filter', 'frame.filter', [predicate.expr], this.meta({ lengths: this.lengths.map(() => NaN) }));
  }

  /**
   * Rows at global integer positions (pandas' `df.iloc[[3, 0, -1]]`, the
   * frame twin of `ShoalArray.take`): any order, repeats, negatives from the
   * end; partitions of `rowsPerPartition` rows (default: the largest
   * partition). Out-of-range positions throw a RangeError naming `indices`
   * here when the lengths are known (Parquet), at compute otherwise (CSV, a
   * filter) — or `await df.resolveLengths()` first.
   */
  take(indices: ArrayLike<number>, options: { rowsPerPartition?: number } = {}): DataFrame {
    const idx = takeIndices(indices);
    const r = options.rowsPerPartition;
    if (r !== undefined && (!Number.isInteger(r) || r <= 0)) throw new RangeError(`rowsPerPartition: expected a positive integer, got ${r}`);
    const per = r ?? takeRowsPer(this.lengths, idx.length);
    const layer = `take-${tokenize(this.keys, idx, per)}`;
    const ops = { take: 'frame.takeRows', gather: 'frame.gatherRows', len: 'frame.numRows', planned: 'frame.takePlanned', gatherPlanned: 'frame.gatherPlanned' };
    const { tasks, keys, sizes } = takeTasks(layer, this.keys, this.lengths, idx, per, ops, []);
    return new DataFrame(withLayer([this.layers], layer, tasks), keys, this.meta({ lengths: sizes }), layer);
  }

  /** Rows without nulls (NaN counts as null) in `subset` or any column. */
  dropna(options: { subset?: string[] } = {}): DataFrame {
    if (options.subset) this.checkColumns('subset', options.subset);
    return this.partitionwise('dropna', 'frame.dropna', [options.subset ?? null], this.meta({ lengths: this.lengths.map(() => NaN) }));
  }

  /** `df.isnull().sum()`: nulls per column (NaN counts), reduced in a tree. */
  isnull(): { sum(): LazyValue<Record<string, number>> } {
    return { sum: () => this.reduce('isnull-sum', 'frame.nullCounts', [], 'frame.nullCounts.combine', null) };
  }

  /** Per-partition partials combined in a tree, then an optional finalize op. */
  private reduce<T>(name: string, partialOp: string, partialArgs: unknown[], combineOp: string, finalize: { op: string; args: unknown[] } | null): LazyValue<T> {
    const token = tokenize(name, this.keys, partialArgs, finalize?.args ?? null);
    const tasks = new Map<string, TaskSpec>();
    const parts = this.keys.map((k, i) => { const key = `${name}-partial-${token}-${i}`; tasks.set(key, { op: partialOp, args: [ref(k), ...partialArgs] }); return key; });
    const tree = treeReduce(`${name}-combine-${token}`, parts, combineOp);
    for (const [k, t] of tree.tasks) tasks.set(k, t);
    let out = tree.root;
    if (finalize) { out = `${name}-${token}`; tasks.set(out, { op: finalize.op, args: [ref(tree.root), ...finalize.args] }); }
    return new LazyValue<T>(withLayer([this.layers], `${name}-${token}`, tasks), out);
  }

  /** A one-partition frame from a reduction that yields an Arrow table. */
  private tableResult(value: LazyValue<arrow.Table>, schema: arrow.Schema): DataFrame {
    return new DataFrame(value.layers, [value.key], { schema, lengths: [NaN] }, value.key);
  }

  private numericColumns(): string[] {
    return this.schema.fields.filter((f) => isNumericType(f.type)).map((f) => f.name);
  }

  /**
   * count, mean, std, min, 25 %, 50 %, 75 %, max of the numeric columns (a
   * `statistic` column names the rows). Quantiles come from per-partition
   * sketches of 4 096 points: exact up to that many values, approximate above.
   */
  describe(): DataFrame {
    const cols = this.numericColumns();
    if (cols.length === 0) throw new TypeError('describe: the frame has no numeric columns');
    const schema = new arrow.Schema([new arrow.Field('statistic', new arrow.Utf8()), ...cols.map((c) => new arrow.Field(c, new arrow.Float64(), true))]);
    return this.tableResult(this.reduce('describe', 'frame.describe.partial', [cols], 'frame.describe.combine', { op: 'frame.describe.finalize', args: [] }), schema);
  }

  /**
   * One statistic of a numeric column, nulls skipped (pandas' Series
   * reductions; `std`/`var` with `ddof`, default 1 as pandas).
   * @example await df.statistic('tip_amount', 'mean').compute()
   */
  statistic(column: string, stat: ColumnStat, options: { ddof?: number } = {}): LazyValue<number> {
    const t = this.field(column).type;
    if (!isNumericType(t) && stat !== 'count') throw new TypeError(`${stat}: '${column}' is ${t}, expected a numeric column`);
    return this.reduce('column-stat', 'frame.describe.partial', [[column], false], 'frame.describe.combine', { op: 'frame.columnStat', args: [column, stat, options.ddof ?? 1] });
  }

  /** Pearson correlation of numeric columns, pairwise-complete (pandas' `corr()`). */
  corr(columns?: string[]): DataFrame {
    const cols = columns ?? this.numericColumns();
    this.checkColumns('columns', cols);
    for (const c of cols) if (!isNumericType(this.field(c).type)) throw new TypeError(`columns: '${c}' is ${this.field(c).type}, expected a numeric column`);
    const schema = new arrow.Schema([new arrow.Field('column', new arrow.Utf8()), ...cols.map((c) => new arrow.Field(c, new arrow.Float64(), true))]);
    return this.tableResult(this.reduce('corr', 'frame.corr.partial', [cols], 'frame.corr.combine', { op: 'frame.corr.finalize', args: [cols] }), schema);
  }

  /** `groupby(keys).agg({ col: 'sum' | ['min', 'max'] … })`, sorted by key, null keys dropped. */
  groupby(keys: string | string[]): { agg(spec: Record<string, AggOp | AggOp[]>): DataFrame } {
    const keyList = typeof keys === 'string' ? [keys] : keys;
    this.checkColumns('keys', keyList);
    return {
      agg: (spec) => {
        const aggs: [string, AggOp[]][] = Object.entries(spec).map(([c, ops]) => [c, Array.isArray(ops) ? ops : [ops]]);
        if (aggs.length === 0) throw new RangeError('agg: expected at least one { column: op }, got none');
        this.checkColumns('agg', aggs.map(([c]) => c));
        for (const [c, ops] of aggs) {
          for (const op of ops) if (!AGG_OPS.includes(op)) throw new RangeError(`agg: '${c}': expected one of ${AGG_OPS.join(', ')}, got ${String(op)}`);
          if (!isNumericType(this.field(c).type) && ops.some((o) => o !== 'count')) throw new TypeError(`agg: '${c}' is ${this.field(c).type}; only 'count' works on a non-numeric column`);
        }
        const keyFields = keyList.map((k) => this.field(k));
        const outFields = keyFields.map((f) => new arrow.Field(f.name, groupKeyType(f.type), false));
        for (const [c, ops] of aggs) for (const op of ops) outFields.push(new arrow.Field(aggColumnName(c, op, ops.length === 1), op === 'count' ? new arrow.Int32() : new arrow.Float64(), true));
        const keyTypes = keyFields.map((f) => groupKeyType(f.type));
        // types travel as their names; the finalize op rebuilds them
        const value = this.reduce<arrow.Table>('groupby', 'frame.groupby.partial', [keyList, aggs.map(([c]) => c)], 'frame.groupby.combine', { op: 'frame.groupby.finalize', args: [keyList, keyTypes.map(String), aggs] });
        return this.tableResult(value, new arrow.Schema(outFields));
      },
    };
  }

  /**
   * Makes columns categorical with the same categories in every partition:
   * computes the distinct values (one pass), then returns a lazy frame whose
   * partitions are dictionary-encoded. Categories are sorted, as pandas does.
   */
  async categorize(columns: string | string[], options: ComputeOptions = {}): Promise<DataFrame> {
    const cols = typeof columns === 'string' ? [columns] : columns;
    this.checkColumns('columns', cols);
    const uniques = await this.reduce<Record<string, (number | string)[]>>('uniques', 'frame.uniques.partial', [cols], 'frame.uniques.combine', null).compute(options);
    return this.withCategories(uniques);
  }

  /** Dictionary-encodes columns with given categories (values outside them become null). */
  withCategories(categories: Record<string, (number | string)[]>): DataFrame {
    this.checkColumns('categories', Object.keys(categories));
    const fields = this.schema.fields.map((f) => {
      const cats = categories[f.name];
      if (!cats) return f;
      const valueType = cats.every((c) => typeof c === 'number') ? new arrow.Float64() : new arrow.Utf8();
      return new arrow.Field(f.name, new arrow.Dictionary(valueType, new arrow.Int32()), true);
    });
    return this.partitionwise('categorize', 'frame.categorize', [categories], this.meta({ schema: new arrow.Schema(fields), categories: { ...this.categories, ...categories } }));
  }

  /**
   * Runs a registered op on every partition: `op(table, ...args)` returns a
   * table with the given schema (or the same schema when omitted).
   */
  mapPartitions(op: string, options: { schema?: arrow.Schema | Record<string, arrow.DataType>; args?: unknown[]; preservesLength?: boolean } = {}): DataFrame {
    if (typeof op !== 'string' || !op) throw new TypeError(`op: expected the name of a registered op, got ${describeValue(op)}`);
    const schema = options.schema === undefined ? this.schema : options.schema instanceof arrow.Schema ? options.schema
      : new arrow.Schema(Object.entries(options.schema).map(([n, t]) => new arrow.Field(n, t, true)));
    const args = options.args ?? [];
    const layer = `${op.replace(/[^a-zA-Z0-9_.]/g, '_')}-${tokenize(op, this.keys, args)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op: 'frame.mapPartitions', args: [op, ref(k), args, schema.fields.map((f) => f.name)] }); return key; });
    return new DataFrame(withLayer([this.layers], layer, tasks), keys, { schema, lengths: options.preservesLength ? [...this.lengths] : this.lengths.map(() => NaN) }, layer);
  }

  /** Joins neighbouring partitions (fewer) or cuts each into equal pieces (more). */
  repartition(npartitions: number): DataFrame {
    if (!Number.isInteger(npartitions) || npartitions <= 0) throw new RangeError(`npartitions: expected a positive integer, got ${npartitions}`);
    const n = this.npartitions;
    const layer = `repartition-${tokenize(this.keys, npartitions)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys: string[] = [];
    const lengths: number[] = [];
    if (npartitions <= n) {
      for (let j = 0; j < npartitions; j++) {
        const from = Math.floor((j * n) / npartitions), to = Math.floor(((j + 1) * n) / npartitions);
        const key = `${layer}-${j}`;
        tasks.set(key, { op: 'frame.concat', args: [this.keys.slice(from, to).map((k) => ref(k))] });
        keys.push(key);
        lengths.push(this.lengths.slice(from, to).reduce((a, b) => a + b, 0));
      }
    } else {
      for (let i = 0; i < n; i++) {
        const k = Math.floor(((i + 1) * npartitions) / n) - Math.floor((i * npartitions) / n);
        for (let j = 0; j < k; j++) {
          const key = `${layer}-${keys.length}`;
          tasks.set(key, { op: 'frame.splitPiece', args: [ref(this.keys[i]), k, j] });
          keys.push(key);
          const len = this.lengths[i];
          lengths.push(Number.isFinite(len) ? Math.floor(((j + 1) * len) / k) - Math.floor((j * len) / k) : NaN);
        }
      }
    }
    return new DataFrame(withLayer([this.layers], layer, tasks), keys, this.meta({ lengths }), layer);
  }

  /** Random row splits in proportion to `fractions`, partition by partition (no shuffle of the whole data). */
  randomSplit(fractions: number[], options: { randomState?: number } = {}): DataFrame[] {
    if (!Array.isArray(fractions) || fractions.length < 2 || fractions.some((f) => !(f >= 0)) || !(fractions.reduce((a, b) => a + b, 0) > 0)) {
      throw new RangeError(`fractions: expected two or more non-negative numbers with a positive sum, got ${JSON.stringify(fractions)}`);
    }
    const seed = options.randomState ?? Math.floor(Math.random() * 2 ** 31);
    return fractions.map((_, which) => {
      const layer = `random-split-${tokenize(this.keys, fractions, seed, which)}`;
      const tasks = new Map<string, TaskSpec>();
      const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op: 'frame.randomSplit', args: [ref(k), fractions, seed, i, which] }); return key; });
      return new DataFrame(withLayer([this.layers], layer, tasks), keys, this.meta({ lengths: this.lengths.map(() => NaN) }), layer);
    });
  }

  /**
   * Numeric columns as a lazy float64 array (null → NaN), one chunk per
   * partition: 2-D for a list of columns (default: every numeric one), 1-D
   * for one column name. Unknown partition lengths are resolved by the array
   * when needed.
   */
  toArray(columns?: string[] | string): ShoalArray {
    if (typeof columns === 'string') return this.toArray([columns]).col(0);
    const cols = columns ?? this.numericColumns();
    this.checkColumns('columns', cols);
    for (const c of cols) {
      const t = this.field(c).type;
      if (!isNumericType(t) && !arrow.DataType.isTimestamp(t) && !arrow.DataType.isDictionary(t)) throw new TypeError(`columns: '${c}' is ${t}; toArray needs numeric, boolean, datetime or categorical columns`);
    }
    const layer = `to-array-${tokenize(this.keys, cols)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op: 'frame.toChunk', args: [ref(k), cols] }); return key; });
    return new ShoalArray(withLayer([this.layers], layer, tasks), keys, { dtype: 'float64', cols: cols.length, chunks: [...this.lengths] }, layer);
  }

  /** The first `n` rows, reading as few partitions as needed. */
  async head(n = 5, options: ComputeOptions = {}): Promise<arrow.Table> {
    const got: arrow.Table[] = [];
    let have = 0;
    for (const key of this.keys) {
      const layer = `head-${tokenize(key, n - have)}`;
      const tasks = new Map<string, TaskSpec>([[layer, { op: 'frame.head', args: [ref(key), n - have] }]]);
      const [t] = (await computeKeys(withLayer([this.layers], layer, tasks), [layer], options)) as arrow.Table[];
      got.push(t);
      have += t.numRows;
      if (have >= n) break;
    }
    return concatTables(got, this.schema);
  }

  /** Row count per partition, computed where unknown. */
  async resolveLengths(options: ComputeOptions = {}): Promise<DataFrame> {
    if (this.lengths.every(Number.isFinite)) return this;
    const layer = `len-${tokenize(this.keys)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op: 'frame.numRows', args: [ref(k)] }); return key; });
    const lengths = (await computeKeys(withLayer([this.layers], layer, tasks), keys, options)) as number[];
    const out = new DataFrame(this.layers, this.keys, this.meta({ lengths }), this.name);
    retainKeys(out, this.keys); // the same partitions: persisted ones stay while either frame lives
    return out;
  }

  /** Total rows (computes partition lengths where unknown). */
  async numRows(options: ComputeOptions = {}): Promise<number> {
    return (await this.resolveLengths(options)).lengths.reduce((a, b) => a + b, 0);
  }

  /** Runs the graph and returns one Arrow table. */
  async compute(options: ComputeOptions = {}): Promise<arrow.Table> {
    const parts = (await computeKeys(this.layers, [...this.keys], options)) as arrow.Table[];
    return concatTables(parts, this.schema);
  }

  /** Computes the partitions on the workers, where they stay (see ShoalArray.persist). */
  async persist(options: ComputeOptions & { wait?: boolean } = {}): Promise<DataFrame> {
    await persistKeys(this, this.layers, [...this.keys], options);
    return options.wait ? this.resolveLengths(options) : this;
  }

  /** Writes one Parquet file per partition into `dir` (`part.00000.parquet`, …); returns the paths. */
  async toParquet(dir: string, options: ComputeOptions & { rowGroupSize?: number } = {}): Promise<string[]> {
    if (typeof dir !== 'string' || !dir) throw new TypeError(`dir: expected a directory path, got ${describeValue(dir)}`);
    const layer = `to-parquet-${tokenize(this.keys, dir)}`;
    const tasks = new Map<string, TaskSpec>();
    const keys = this.keys.map((k, i) => { const key = `${layer}-${i}`; tasks.set(key, { op: 'frame.writeParquet', args: [ref(k), dir, i, options.rowGroupSize ?? null] }); return key; });
    return (await computeKeys(withLayer([this.layers], layer, tasks), keys, options)) as string[];
  }

  graph(): ReturnType<typeof flatten> { return flatten(this.layers); }
}

function groupKeyType(t: arrow.DataType): arrow.DataType {
  if (arrow.DataType.isInt(t)) return (t as arrow.Int).bitWidth === 64 ? new arrow.Int64() : new arrow.Int32();
  if (arrow.DataType.isFloat(t)) return new arrow.Float64();
  return new arrow.Utf8();
}

function arrowTypeFor(t: string, e: Expr, schema: arrow.Schema): arrow.DataType {
  if (e.kind === 'col') return schema.fields.find((f) => f.name === e.name)!.type;
  if (e.kind === 'lit' && typeof e.value === 'string') return new arrow.Utf8();
  switch (t) {
    case 'bool': return new arrow.Bool();
    case 'int32': return new arrow.Int32();
    case 'int64': return new arrow.Int64();
    default: return new arrow.Float64();
  }
}

export interface GetDummiesOptions {
  /** categorical columns to encode (default: every categorical column with known categories) */
  columns?: string[];
  /** prefix per column (default: the column name) */
  prefix?: string | string[] | Record<string, string>;
  /** between prefix and value (default '_') */
  prefixSep?: string;
}

/**
 * One uint8 column per category (`${prefix}${prefixSep}${value}`), appended
 * after the other columns, as pandas' `get_dummies`. The columns must have
 * known categories: `await df.categorize(cols)` first.
 */
export function getDummies(df: DataFrame, options: GetDummiesOptions = {}): DataFrame {
  const cols = options.columns ?? Object.keys(df.categories);
  df.checkColumns('columns', cols);
  for (const c of cols) if (!df.categories[c]) throw new TypeError(`columns: '${c}' has no known categories; call await df.categorize(['${c}']) first`);
  const prefixes = cols.map((c, i) => {
    const p = options.prefix;
    if (p === undefined) return c;
    if (typeof p === 'string') return p;
    if (Array.isArray(p)) { if (p.length !== cols.length) throw new RangeError(`prefix: expected ${cols.length} prefixes (one per column), got ${p.length}`); return p[i]; }
    return p[c] ?? c;
  });
  const sep = options.prefixSep ?? '_';
  const spec = cols.map((c, i) => ({ column: c, prefix: prefixes[i], categories: df.categories[c] }));
  const fields = df.schema.fields.filter((f) => !cols.includes(f.name));
  for (const s of spec) for (const v of s.categories) fields.push(new arrow.Field(dummyName(s.prefix, sep, v), new arrow.Uint8(), false));
  const categories = Object.fromEntries(Object.entries(df.categories).filter(([c]) => !cols.includes(c)));
  return df.partitionwise('get-dummies', 'frame.getDummies', [spec, sep], { schema: new arrow.Schema(fields), lengths: [...df.lengths], categories });
}

export { typeOfField };
