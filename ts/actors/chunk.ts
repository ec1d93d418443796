/** A dense, row-major n-dimensional block: the unit of chunked Array data. */
export interface Chunk<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

export type TypedArray =
  | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array
  | Int8Array | Uint8Array | Uint8ClampedArray | BigInt64Array | BigUint64Array;

type TypedArrayCtor<T extends TypedArray> = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/**
 * Allocates a typed array of `n` elements backed by a SharedArrayBuffer, so that
 * task threads and local workers share it instead of copying it.
 * @example const xs = allocShared(Float64Array, 1000);
 */
export function allocShared<T extends TypedArray>(ctor: TypedArrayCtor<T>, n: number): T {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`allocShared: n must be a non-negative integer, got ${n}`);
  }
  return new ctor(new SharedArrayBuffer(n * ctor.BYTES_PER_ELEMENT), 0, n);
}

/** True when `value` looks like a Chunk (`{ data: TypedArray, shape: number[] }`). */
export function isChunk(value: unknown): value is Chunk {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView((value as Chunk).data) &&
    Array.isArray((value as Chunk).shape);
}
