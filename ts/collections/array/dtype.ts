/**
 * Element types of shoal arrays and the typed-array constructor behind each.
 *
 * `bool` is stored as a Uint8Array of 0/1: the collection's metadata, not the
 * buffer, says whether a uint8 chunk holds booleans.
 */
import { allocShared as allocSharedCtor } from '../../actors/chunk.js';

export type DType = 'float64' | 'float32' | 'int32' | 'uint8' | 'bool';

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** A row-major block of an array, as the runtime stores it (see ts/actors/chunk.ts). */
export interface ChunkLike {
  data: TypedArray;
  shape: number[];
}

export const DTYPES: readonly DType[] = ['float64', 'float32', 'int32', 'uint8', 'bool'];

type Ctor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

export function ctorOf(dtype: DType): Ctor {
  switch (dtype) {
    case 'float64': return Float64Array;
    case 'float32': return Float32Array;
    case 'int32': return Int32Array;
    case 'uint8': case 'bool': return Uint8Array;
    default: throw new TypeError(`dtype: expected one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
  }
}

/** The dtype a typed array holds (uint8 buffers report `uint8`; callers that know better say `bool`). */
export function dtypeOfData(data: TypedArray | ArrayLike<number>): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new TypeError(`data: expected a Float64Array, Float32Array, Int32Array or Uint8Array, got ${describe(data)}`);
}

export function assertDType(name: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new TypeError(`${name}: expected one of ${DTYPES.join(', ')}, got ${String(dtype)}`);
  }
}

/**
 * A zero-filled typed array in a SharedArrayBuffer (the runtime's
 * `allocShared`), so that worker threads of one process read it without copying.
 */
export function allocShared(dtype: DType, n: number): TypedArray {
  return allocSharedCtor(ctorOf(dtype) as Float64ArrayConstructor, Math.max(0, n)) as TypedArray;
}

/** The dtype arithmetic between two dtypes produces (NumPy's promotion for these five). */
export function promote(a: DType, b: DType): DType {
  const rank: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };
  if ((a === 'float32' && b === 'int32') || (a === 'int32' && b === 'float32')) return 'float64';
  return rank[a] >= rank[b] ? (a === 'bool' ? 'uint8' : a) : (b === 'bool' ? 'uint8' : b);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}
