/**
 * Column expressions bound to a DataFrame: `df.col('fare_amount').div(df.col('trip_distance'))`,
 * `df.col('tpep_pickup_datetime').dt.hour`. They build an `Expr` tree checked
 * against the frame's schema at once (unknown columns and wrong types throw
 * here), and run per partition inside `assign`/`filter`. An expression only
 * names columns: it is evaluated row by row on the frame it is used in.
 */
import type { DataFrame, LazyValue } from './dataframe.js';
import type { ColumnStat } from './stats.js';
import { inferType, type DtField, type Expr, type ExprBinaryOp, type ExprType, type ExprUnaryOp } from './expr.js';

export type ColumnLike = Column | number | boolean | string | null;

function exprOf(v: ColumnLike): Expr {
  return v instanceof Column ? v.expr : { kind: 'lit', value: v };
}

/** Datetime fields of a column (UTC), as pandas' `.dt`. */
export class DatetimeAccessor {
  constructor(private readonly column: Column) {}
  private field(f: DtField): Column { return this.column.derive({ kind: 'dt', field: f, arg: this.column.expr }); }
  get year(): Column { return this.field('year'); }
  get month(): Column { return this.field('month'); }
  get day(): Column { return this.field('day'); }
  get hour(): Column { return this.field('hour'); }
  get minute(): Column { return this.field('minute'); }
  get second(): Column { return this.field('second'); }
  /** Monday = 0 … Sunday = 6 */
  get dayofweek(): Column { return this.field('dayofweek'); }
  get weekday(): Column { return this.field('weekday'); }
  get dayofyear(): Column { return this.field('dayofyear'); }
}

export class Column {
  /** the value type, known from the schema */
  readonly type: ExprType;

  constructor(readonly frame: DataFrame, readonly expr: Expr, readonly name: string) {
    this.type = inferType(expr, frame.schema);
  }

  derive(expr: Expr): Column { return new Column(this.frame, expr, this.name); }

  private bin(op: ExprBinaryOp, other: ColumnLike): Column {
    return this.derive({ kind: 'bin', op, left: this.expr, right: exprOf(other) });
  }

  add(o: ColumnLike): Column { return this.bin('add', o); }
  sub(o: ColumnLike): Column { return this.bin('sub', o); }
  mul(o: ColumnLike): Column { return this.bin('mul', o); }
  div(o: ColumnLike): Column { return this.bin('div', o); }
  pow(o: ColumnLike): Column { return this.bin('pow', o); }
  mod(o: ColumnLike): Column { return this.bin('mod', o); }
  eq(o: ColumnLike): Column { return this.bin('eq', o); }
  ne(o: ColumnLike): Column { return this.bin('ne', o); }
  lt(o: ColumnLike): Column { return this.bin('lt', o); }
  le(o: ColumnLike): Column { return this.bin('le', o); }
  gt(o: ColumnLike): Column { return this.bin('gt', o); }
  ge(o: ColumnLike): Column { return this.bin('ge', o); }
  and(o: ColumnLike): Column { return this.bin('and', o); }
  or(o: ColumnLike): Column { return this.bin('or', o); }

  private un(op: ExprUnaryOp): Column { return this.derive({ kind: 'unary', op, arg: this.expr }); }
  neg(): Column { return this.un('neg'); }
  abs(): Column { return this.un('abs'); }
  sqrt(): Column { return this.un('sqrt'); }
  log(): Column { return this.un('log'); }
  exp(): Column { return this.un('exp'); }
  round(): Column { return this.un('round'); }
  not(): Column { return this.un('not'); }
  isnull(): Column { return this.un('isnull'); }
  notnull(): Column { return this.un('notnull'); }
  fillna(value: number): Column { return this.derive({ kind: 'fillna', arg: this.expr, value }); }
  isin(values: (number | string)[]): Column { return this.derive({ kind: 'isin', arg: this.expr, values }); }
  astype(dtype: 'float64' | 'int32' | 'bool'): Column { return this.derive({ kind: 'cast', arg: this.expr, dtype }); }

  get dt(): DatetimeAccessor { return new DatetimeAccessor(this); }

  /** This column alone as a one-column DataFrame. */
  toFrame(name = this.name): DataFrame { return this.frame.assign({ [name]: this }).select([name]); }

  /** NaN-skipping reductions, as pandas' Series methods (lazy: `await df.col('x').mean().compute()`). */
  sum(): LazyValue<number> { return this.stat('sum'); }
  mean(): LazyValue<number> { return this.stat('mean'); }
  min(): LazyValue<number> { return this.stat('min'); }
  max(): LazyValue<number> { return this.stat('max'); }
  /** Non-null values. */
  count(): LazyValue<number> { return this.stat('count'); }
  std(options: { ddof?: number } = {}): LazyValue<number> { return this.stat('std', options); }
  var(options: { ddof?: number } = {}): LazyValue<number> { return this.stat('var', options); }

  private stat(stat: ColumnStat, options: { ddof?: number } = {}): LazyValue<number> {
    if (this.expr.kind === 'col') return this.frame.statistic(this.name, stat, options);
    return this.toFrame().statistic(this.name, stat, options);
  }

  /** Computes the column into one Arrow vector. */
  async compute(options: Parameters<DataFrame['compute']>[0] = {}): Promise<import('apache-arrow').Vector> {
    const t = await this.toFrame().compute(options);
    return t.getChild(this.name)!;
  }
}
