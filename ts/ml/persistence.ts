/**
 * Saving and loading fitted estimators — without pickling code.
 *
 * A model file holds the estimator's registered name (ts/ml/registry.ts), its
 * hyper-parameters and its learned attributes (the properties ending in `_`):
 * plain values as JSON, typed arrays as raw little-endian bytes after it.
 * Loading rebuilds the estimator through the registry, so a file can only
 * ever produce an instance of a class the loading program registered.
 *
 * Layout (all integers little-endian):
 *
 *   'SHOALMDL' | u32 format version (1) | u32 JSON byte length | JSON (UTF-8)
 *   | zero padding to a multiple of 8 | binary section
 *
 * In the JSON, a typed array is `{ "$typed": "Float64Array", "offset": o, "length": n }`
 * (offset in bytes from the start of the binary section, 8-aligned), a
 * non-finite number is `{ "$number": "NaN" | "Infinity" | "-Infinity" }`, a
 * nested fitted estimator (a search's `bestEstimator_`) is
 * `{ "$estimator": { name, params, attributes } }`. Lazy collections held as
 * attributes (KMeans' `labels_` on an Array) are data, not model, and a
 * Client given as a search's `scheduler` is a connection: both are saved as null.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { BaseEstimator, Params } from './base.js';
import { Client } from '../actors/client.js';
import { ShoalArray } from './collections-bridge.js';
import { makeEstimator, registeredName } from './registry.js';

const MAGIC = 'SHOALMDL';
const FORMAT_VERSION = 1;

const TYPED = {
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;
type Typed = InstanceType<(typeof TYPED)[TypedName]>;

interface ModelJson {
  format: 'shoal-model';
  estimator: string;
  params: unknown;
  attributes: Record<string, unknown>;
}

/** The model file's bytes for fitted `estimator`. */
export function modelToBytes(estimator: BaseEstimator<Params>): Uint8Array {
  const blobs: Typed[] = [];
  let offset = 0;
  const encode = (v: unknown, where: string): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v ?? null;
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name as TypedName;
      if (!(name in TYPED)) throw new TypeError(`saveModel: ${where} is a ${v.constructor.name}, which the model format does not hold`);
      const t = v as Typed;
      const at = offset;
      blobs.push(t);
      offset += align8(t.byteLength);
      return { $typed: name, offset: at, length: t.length };
    }
    if (v instanceof ShoalArray) return null; // data, not model (see the header)
    if (v instanceof Client) return null; // a search's `scheduler`: a connection, not model
    if (Array.isArray(v)) return v.map((x, i) => encode(x, `${where}[${i}]`));
    if (typeof v === 'object' && registeredName(v) !== undefined && 'getParams' in v) {
      // a search's `estimator` hyper-parameter is unfitted; its `bestEstimator_` is fitted
      return { $estimator: describe(v as BaseEstimator<Params>, encode, where, false) };
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x, `${where}.${k}`)]));
    }
    throw new TypeError(`saveModel: ${where} is ${describeValue(v)}, which the model format does not hold (plain values, typed arrays, objects and registered estimators only)`);
  };
  const json = new TextEncoder().encode(JSON.stringify({ format: 'shoal-model', ...describe(estimator, encode, 'the estimator') }));
  const head = align8(MAGIC.length + 8 + json.length);
  const out = new Uint8Array(head + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, json.length, true);
  out.set(json, 16);
  let at = head;
  for (const b of blobs) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), at);
    at += align8(b.byteLength);
  }
  return out;
}

function describe(e: BaseEstimator<Params>, encode: (v: unknown, where: string) => unknown, where: string, mustBeFitted = true): Omit<ModelJson, 'format'> {
  const name = registeredName(e);
  if (name === undefined) throw new TypeError(`saveModel: ${where} is a ${e.constructor.name}, which is not registered (registerEstimator in ts/ml/registry.ts)`);
  if (mustBeFitted && !e.isFitted) throw new Error(`saveModel: ${where} (${name}) is not fitted`);
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('_') && v !== undefined) attributes[k] = encode(v, `${name}.${k}`);
  }
  return { estimator: name, params: encode(e.getParams(), `${name}'s hyper-parameters`), attributes };
}

/** The fitted estimator a model file's bytes describe. */
export function modelFromBytes(bytes: Uint8Array): BaseEstimator<Params> {
  if (bytes.byteLength < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new RangeError('loadModel: not a shoal model file (it does not start with SHOALMDL)');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FORMAT_VERSION) throw new RangeError(`loadModel: model format version ${version}; this shoal reads version ${FORMAT_VERSION}`);
  const jsonLength = dv.getUint32(12, true);
  if (16 + jsonLength > bytes.byteLength) throw new RangeError(`loadModel: the file is truncated (its JSON part claims ${jsonLength} bytes, ${bytes.byteLength - 16} follow)`);
  let model: ModelJson;
  try {
    model = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + jsonLength))) as ModelJson;
  } catch (e) {
    throw new RangeError(`loadModel: the model's JSON part is corrupt (${(e as Error).message})`);
  }
  if (model.format !== 'shoal-model') throw new RangeError(`loadModel: unexpected format ${JSON.stringify(model.format)}`);
  const binary = bytes.subarray(align8(16 + jsonLength));
  const decode = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(decode);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (typeof o.$number === 'string') return Number(o.$number);
    if (typeof o.$typed === 'string') {
      const Ctor = TYPED[o.$typed as TypedName];
      const offset = o.offset as number;
      const length = o.length as number;
      if (Ctor === undefined || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0
        || offset + length * Ctor.BYTES_PER_ELEMENT > binary.byteLength) {
        throw new RangeError(`loadModel: a typed array (${String(o.$typed)}, ${String(length)} values at ${String(offset)}) lies outside the file's ${binary.byteLength}-byte binary part`);
      }
      // copied out, so the model does not keep the whole file alive
      return new Ctor(binary.slice(offset, offset + length * Ctor.BYTES_PER_ELEMENT).buffer);
    }
    if (typeof o.$estimator === 'object' && o.$estimator !== null) return build(o.$estimator as Omit<ModelJson, 'format'>, decode, false);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  };
  return build(model, decode);
}

function build(m: Omit<ModelJson, 'format'>, decode: (v: unknown) => unknown, mustBeFitted = true): BaseEstimator<Params> {
  const est = makeEstimator(m.estimator, decode(m.params) as Params);
  for (const [k, v] of Object.entries(m.attributes)) {
    if (!k.endsWith('_')) throw new RangeError(`loadModel: attribute ${JSON.stringify(k)} of ${m.estimator} is not a learned attribute (they end in _)`);
    (est as unknown as Record<string, unknown>)[k] = decode(v);
  }
  if (mustBeFitted && !est.isFitted) throw new RangeError(`loadModel: the ${m.estimator} in the file lacks its learned attributes`);
  return est;
}

/** Writes fitted `estimator` to `path` (format in this module's header). */
export async function saveModel(estimator: BaseEstimator<Params>, path: string): Promise<void> {
  await writeFile(path, modelToBytes(estimator));
}

/** Reads the fitted estimator saved at `path`; `E` is the class you expect back (checked). */
export async function loadModel<E extends BaseEstimator<Params> = BaseEstimator<Params>>(path: string, expected?: new (...a: never[]) => E): Promise<E> {
  const est = modelFromBytes(new Uint8Array(await readFile(path)));
  if (expected !== undefined && !(est instanceof expected)) {
    throw new TypeError(`loadModel: ${path} holds a ${est.constructor.name}, not a ${expected.name}`);
  }
  return est as E;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function describeValue(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `an object (${v.constructor?.name ?? 'no prototype'})`;
  return typeof v;
}
