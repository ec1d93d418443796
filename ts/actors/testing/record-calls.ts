/**
 * For tests: records the arguments of calls to some of an object's methods
 * (a Client's scatter/submit/persist), passing every call through unchanged.
 */
export function recordCalls<T extends object, M extends keyof T & string>(target: T, methods: readonly M[]): Record<M, unknown[][]> {
  const calls = {} as Record<M, unknown[][]>;
  for (const name of methods) {
    const seen: unknown[][] = (calls[name] = []);
    const original = (target[name] as (...a: unknown[]) => unknown).bind(target);
    (target as Record<string, unknown>)[name] = (...a: unknown[]) => { seen.push(a); return original(...a); };
  }
  return calls;
}
