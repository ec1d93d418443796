/** Parses `memoryLimit` values: bytes as a number, or strings like '2GB', '512 MiB', '1.5e9'. */
const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

export function parseMemoryLimit(value: number | string, what = 'memoryLimit'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be a positive number of bytes, got ${value}`);
    return Math.floor(value);
  }
  if (typeof value !== 'string') throw new TypeError(`${what} must be a number of bytes or a string like '2GB', got ${typeof value}`);
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new RangeError(`${what} must look like '2GB', '512MiB' or a byte count, got ${JSON.stringify(value)}`);
  }
  return Math.floor(Number(m[1]) * unit);
}
