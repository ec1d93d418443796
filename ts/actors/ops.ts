/**
 * The op registry. Tasks name ops; every task thread imports the op modules
 * (shoal's `builtins` and the cluster's `workerModules`), which register their
 * ops at import time. Only names travel, never function source.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** An op: receives the task's arguments with every `ref` already replaced by its result. */
export type Op = (...args: any[]) => unknown;

/** What an op can learn about the task it runs. */
export interface OpContext {
  key: string;
  workerId: string;
  /** Per-thread cache for objects loaded once and reused by later tasks (models, tables). */
  cache: Map<string, unknown>;
}

const registry = new Map<string, Op>();
const contextStore = new AsyncLocalStorage<OpContext>();
const threadCache = new Map<string, unknown>();

/**
 * Registers `fn` under `name`. Registering the same function twice is harmless
 * (modules may be imported more than once); a different function under a taken
 * name is an error.
 * @example registerOp('array.sum.chunk', (c: Chunk) => c.data.reduce((a, b) => a + b, 0));
 */
export function registerOp(name: string, fn: Op): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`registerOp: name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (typeof fn !== 'function') throw new TypeError(`registerOp(${name}): fn must be a function, got ${typeof fn}`);
  const had = registry.get(name);
  if (had !== undefined && had !== fn && had.toString() !== fn.toString()) {
    throw new Error(`registerOp: an op named ${JSON.stringify(name)} is already registered`);
  }
  registry.set(name, fn);
}

/** Thrown on a worker when a task names an op nobody registered. */
export class UnknownOpError extends Error {
  override name = 'UnknownOpError';
}

export function getOp(name: string): Op {
  const fn = registry.get(name);
  if (fn === undefined) {
    throw new UnknownOpError(
      `unknown op ${JSON.stringify(name)}: no module registered it (add its module to workerModules); ` +
        `${registry.size} ops are registered`,
    );
  }
  return fn;
}

export function hasOp(name: string): boolean {
  return registry.has(name);
}

/** Runs `fn` with `opContext()` answering for task `key`. */
export function runWithContext<T>(key: string, workerId: string, fn: () => T): T {
  return contextStore.run({ key, workerId, cache: threadCache }, fn);
}

/** The context of the task being run; throws outside an op. */
export function opContext(): OpContext {
  const ctx = contextStore.getStore();
  if (ctx === undefined) throw new Error('opContext() called outside a running op');
  return ctx;
}
