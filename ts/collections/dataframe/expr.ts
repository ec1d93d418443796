/**
 * Column expressions: a small JSON tree (so it travels in task arguments)
 * evaluated per partition over Arrow columns.
 */
import * as arrow from 'apache-arrow';
import { kindOf, toFloat64, validityOf } from './arrow-util.js';

export type ExprBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'mod' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'and' | 'or';
export type ExprUnaryOp = 'neg' | 'abs' | 'sqrt' | 'log' | 'exp' | 'not' | 'isnull' | 'notnull' | 'round';
export type DtField = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'dayofweek' | 'dayofyear' | 'weekday';
export const DT_FIELDS: readonly DtField[] = ['year', 'month', 'day', 'hour', 'minute', 'second', 'dayofweek', 'dayofyear', 'weekday'];

export type Expr =
  | { kind: 'col'; name: string }
  | { kind: 'lit'; value: number | boolean | string | null }
  | { kind: 'bin'; op: ExprBinaryOp; left: Expr; right: Expr }
  | { kind: 'unary'; op: ExprUnaryOp; arg: Expr }
  | { kind: 'dt'; field: DtField; arg: Expr }
  | { kind: 'fillna'; arg: Expr; value: number }
  | { kind: 'isin'; arg: Expr; values: (number | string)[] }
  | { kind: 'cast'; arg: Expr; dtype: 'float64' | 'int32' | 'bool' };

/** The value type an expression produces (checked on the client). */
export type ExprType = 'float64' | 'int32' | 'int64' | 'bool' | 'timestamp' | 'string' | 'category' | 'other';

export function typeOfField(type: arrow.DataType): ExprType {
  if (arrow.DataType.isFloat(type)) return 'float64';
  if (arrow.DataType.isInt(type)) return (type as arrow.Int).bitWidth === 64 ? 'int64' : 'int32';
  if (arrow.DataType.isBool(type)) return 'bool';
  if (arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) return 'timestamp';
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return 'string';
  if (arrow.DataType.isDictionary(type)) return 'category';
  return 'other';
}

const COMPARE = new Set<ExprBinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);
const NUMERIC = new Set<ExprType>(['float64', 'int32', 'int64', 'bool']);

/** The result type of `e` over a schema; throws naming unknown columns and wrong types. */
export function inferType(e: Expr, schema: arrow.Schema): ExprType {
  switch (e.kind) {
    case 'col': {
      const f = schema.fields.find((x) => x.name === e.name);
      if (!f) throw new RangeError(`column: no column named '${e.name}'; the columns are ${schema.fields.map((x) => x.name).join(', ')}`);
      return typeOfField(f.type);
    }
    case 'lit': return typeof e.value === 'number' ? (Number.isInteger(e.value) ? 'int32' : 'float64') : typeof e.value === 'boolean' ? 'bool' : e.value === null ? 'float64' : 'string';
    case 'bin': {
      const l = inferType(e.left, schema), r = inferType(e.right, schema);
      if (COMPARE.has(e.op)) {
        const eqOnly = e.op === 'eq' || e.op === 'ne';
        const ok = (NUMERIC.has(l) && NUMERIC.has(r)) || (l === 'timestamp' && (r === 'timestamp' || NUMERIC.has(r))) || (eqOnly && (l === 'string' || l === 'category') && r === 'string');
        if (!ok) throw new TypeError(`${e.op}: cannot compare ${l} with ${r}`);
        return 'bool';
      }
      if (!NUMERIC.has(l) || !NUMERIC.has(r)) throw new TypeError(`${e.op}: expected numeric operands, got ${l} and ${r}`);
      return e.op === 'div' || e.op === 'pow' || l === 'float64' || r === 'float64' ? 'float64' : l === 'int64' || r === 'int64' ? 'int64' : 'int32';
    }
    case 'unary': {
      const t = inferType(e.arg, schema);
      if (e.op === 'isnull' || e.op === 'notnull') return 'bool';
      if (e.op === 'not') { if (t !== 'bool') throw new TypeError(`not: expected a bool column, got ${t}`); return 'bool'; }
      if (!NUMERIC.has(t)) throw new TypeError(`${e.op}: expected a numeric column, got ${t}`);
      return e.op === 'neg' || e.op === 'abs' ? t : 'float64';
    }
    case 'dt': {
      const t = inferType(e.arg, schema);
      if (t !== 'timestamp') throw new TypeError(`dt.${e.field}: expected a datetime column, got ${t}`);
      if (!DT_FIELDS.includes(e.field)) throw new RangeError(`dt: expected one of ${DT_FIELDS.join(', ')}, got ${e.field}`);
      return 'int32';
    }
    case 'fillna': { const t = inferType(e.arg, schema); return t === 'bool' || t === 'int32' ? (Number.isInteger(e.value) ? t : 'float64') : t; }
    case 'isin': inferType(e.arg, schema); return 'bool';
    case 'cast': inferType(e.arg, schema); return e.dtype;
    default: throw new TypeError(`expression: unknown kind ${(e as { kind: string }).kind}`);
  }
}

/** An evaluated column: float64 values (NaN at nulls) plus validity, or an Arrow vector as-is. */
export interface Evaluated {
  values: Float64Array;
  valid: Uint8Array;
  type: ExprType;
  /** the untouched column, for plain column references */
  vector?: arrow.Vector;
}

const BIN: Record<ExprBinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y, pow: (x, y) => x ** y,
  mod: (x, y) => x - Math.floor(x / y) * y, eq: (x, y) => +(x === y), ne: (x, y) => +(x !== y), lt: (x, y) => +(x < y),
  le: (x, y) => +(x <= y), gt: (x, y) => +(x > y), ge: (x, y) => +(x >= y), and: (x, y) => +(!!x && !!y), or: (x, y) => +(!!x || !!y),
};

function stringsOf(v: arrow.Vector): (string | null)[] {
  const out: (string | null)[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) { const x = v.get(i); out[i] = x === null || x === undefined ? null : String(x); }
  return out;
}

export function evaluate(e: Expr, table: arrow.Table): Evaluated {
  const n = table.numRows;
  switch (e.kind) {
    case 'col': {
      const vec = table.getChild(e.name);
      if (!vec) throw new RangeError(`column: no column named '${e.name}'`);
      const t = typeOfField(vec.type);
      if (t === 'string' || t === 'other') return { values: new Float64Array(n).fill(NaN), valid: validityOf(vec), type: t, vector: vec };
      return { ...toFloat64(vec), type: t, vector: vec };
    }
    case 'lit': return { values: new Float64Array(n).fill(e.value === null ? NaN : Number(e.value)), valid: new Uint8Array(n).fill(e.value === null ? 0 : 1), type: inferLit(e.value) };
    case 'bin': {
      // string equality against a literal (also for categoricals)
      if ((e.op === 'eq' || e.op === 'ne') && e.right.kind === 'lit' && typeof e.right.value === 'string') {
        const l = evaluate(e.left, table);
        const s = l.vector ? stringsOf(l.vector) : [];
        const values = new Float64Array(n), valid = new Uint8Array(n).fill(1);
        for (let i = 0; i < n; i++) values[i] = +((s[i] === e.right.value) === (e.op === 'eq'));
        return { values, valid, type: 'bool' };
      }
      const l = evaluate(e.left, table), r = evaluate(e.right, table);
      const f = BIN[e.op];
      const values = new Float64Array(n), valid = new Uint8Array(n);
      const logical = COMPARE.has(e.op);
      for (let i = 0; i < n; i++) {
        const ok = l.valid[i] && r.valid[i];
        // comparisons with null are false (pandas), arithmetic with null is null
        valid[i] = logical ? 1 : ok;
        values[i] = ok ? f(l.values[i], r.values[i]) : logical ? 0 : NaN;
      }
      const type: ExprType = logical ? 'bool' : e.op === 'div' || e.op === 'pow' || l.type === 'float64' || r.type === 'float64' ? 'float64' : l.type === 'int64' || r.type === 'int64' ? 'int64' : 'int32';
      return { values, valid, type };
    }
    case 'unary': {
      const a = evaluate(e.arg, table);
      const values = new Float64Array(n), valid = new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        const x = a.values[i];
        switch (e.op) {
          case 'isnull': values[i] = a.valid[i] ? 0 : 1; break;
          case 'notnull': values[i] = a.valid[i]; break;
          case 'not': values[i] = a.valid[i] ? +!x : 0; valid[i] = a.valid[i]; break;
          default: valid[i] = a.valid[i]; values[i] = a.valid[i] ? UNARY[e.op](x) : NaN;
        }
      }
      const type: ExprType = e.op === 'isnull' || e.op === 'notnull' || e.op === 'not' ? 'bool' : e.op === 'neg' || e.op === 'abs' ? a.type : 'float64';
      return { values, valid, type };
    }
    case 'dt': {
      const a = evaluate(e.arg, table);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = a.valid[i] ? dtField(a.values[i], e.field) : NaN;
      return { values, valid: a.valid, type: 'int32' };
    }
    case 'fillna': {
      const a = evaluate(e.arg, table);
      const values = Float64Array.from(a.values);
      for (let i = 0; i < n; i++) if (!a.valid[i]) values[i] = e.value;
      return { values, valid: new Uint8Array(n).fill(1), type: a.type === 'int32' && !Number.isInteger(e.value) ? 'float64' : a.type };
    }
    case 'isin': {
      const a = evaluate(e.arg, table);
      const values = new Float64Array(n);
      if (a.vector && (a.type === 'string' || a.type === 'category')) {
        const set = new Set(e.values.map(String));
        const s = stringsOf(a.vector);
        for (let i = 0; i < n; i++) values[i] = s[i] !== null && set.has(s[i]!) ? 1 : 0;
      } else {
        const set = new Set(e.values.map(Number));
        for (let i = 0; i < n; i++) values[i] = a.valid[i] && set.has(a.values[i]) ? 1 : 0;
      }
      return { values, valid: new Uint8Array(n).fill(1), type: 'bool' };
    }
    case 'cast': {
      const a = evaluate(e.arg, table);
      const values = Float64Array.from(a.values, (x) => (e.dtype === 'int32' ? Math.trunc(x) : e.dtype === 'bool' ? +!!x : x));
      return { values, valid: a.valid, type: e.dtype };
    }
    default: throw new TypeError(`expression: unknown kind ${(e as { kind: string }).kind}`);
  }
}

const UNARY: Record<'neg' | 'abs' | 'sqrt' | 'log' | 'exp' | 'round', (x: number) => number> = {
  neg: (x) => -x, abs: Math.abs, sqrt: Math.sqrt, log: Math.log, exp: Math.exp, round: (x) => Math.round(x),
};

function inferLit(v: unknown): ExprType {
  return typeof v === 'number' ? (Number.isInteger(v) ? 'int32' : 'float64') : typeof v === 'boolean' ? 'bool' : 'string';
}

/** A calendar field of a UTC time in ms (pandas' conventions: dayofweek Monday = 0). */
export function dtField(ms: number, field: DtField): number {
  const d = new Date(ms);
  switch (field) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    case 'second': return d.getUTCSeconds();
    case 'dayofweek': case 'weekday': return (d.getUTCDay() + 6) % 7;
    case 'dayofyear': return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    default: throw new RangeError(`dt: unknown field ${String(field)}`);
  }
}
