/**
 * A worker's results: in memory, or spilled to disk. Past `target` of the
 * memory limit the least recently used results are written to disk (and read
 * back on use); past `pause` the worker stops starting tasks. Nothing is lost:
 * every key is always in exactly one of the two places.
 */
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeValue, encodeValue, sizeOf } from './serialize.js';
import { readSpillFile, writeSpillFile } from './spill.js';
import { released } from './gc-hint.js';

export interface StoreOptions {
  memoryLimit: number;
  /** Fraction of memoryLimit past which results spill (dask: 0.6). */
  target: number;
  /** Fraction past which the worker pauses (dask: 0.8). */
  pause: number;
  /** Directory for spill files; a fresh temporary one by default. */
  spillDir?: string;
}

interface InMemory { value: unknown; nbytes: number }

export class WorkerStore {
  /** Map iteration order is the LRU order: a read re-inserts the key at the end. */
  private readonly memory = new Map<string, InMemory>();
  private readonly disk = new Map<string, { path: string; nbytes: number }>();
  private dir: string | undefined;
  private fileCounter = 0;
  memoryBytes = 0;
  spilledBytes = 0;
  /** Results written to disk / read back since start (for tests and heartbeats). */
  spillCount = 0;
  unspillCount = 0;

  constructor(private readonly options: StoreOptions) {}

  has(key: string): boolean {
    return this.memory.has(key) || this.disk.has(key);
  }

  get size(): number {
    return this.memory.size + this.disk.size;
  }

  /** Stores a result and spills older ones if that crosses the target. Returns its size. */
  put(key: string, value: unknown, nbytes = sizeOf(value)): number {
    this.delete(key);
    this.memory.set(key, { value, nbytes });
    this.memoryBytes += nbytes;
    this.spillIfNeeded(key);
    return nbytes;
  }

  /** The value of `key`, read back from disk if it was spilled. */
  get(key: string): unknown {
    const m = this.memory.get(key);
    if (m !== undefined) {
      this.memory.delete(key);
      this.memory.set(key, m);
      return m.value;
    }
    const d = this.disk.get(key);
    if (d === undefined) throw new Error(`worker store: no result for key ${key}`);
    const enc = readSpillFile(d.path);
    const value = decodeValue(enc.header, enc.buffers);
    this.disk.delete(key);
    this.spilledBytes -= d.nbytes;
    unlinkSync(d.path);
    this.unspillCount++;
    this.memory.set(key, { value, nbytes: d.nbytes });
    this.memoryBytes += d.nbytes;
    this.spillIfNeeded(key);
    return value;
  }

  nbytes(key: string): number {
    return this.memory.get(key)?.nbytes ?? this.disk.get(key)?.nbytes ?? 0;
  }

  delete(key: string): void {
    const m = this.memory.get(key);
    if (m !== undefined) {
      this.memory.delete(key);
      this.memoryBytes -= m.nbytes;
      released(m.nbytes);
      return;
    }
    const d = this.disk.get(key);
    if (d !== undefined) {
      this.disk.delete(key);
      this.spilledBytes -= d.nbytes;
      try { unlinkSync(d.path); } catch { /* already gone */ }
    }
  }

  /** True while memory stays above the pause fraction even after spilling. */
  get paused(): boolean {
    return this.memoryBytes > this.options.pause * this.options.memoryLimit;
  }

  /** Spills least recently used results until under target, never `keep` (the one being used). */
  private spillIfNeeded(keep: string): void {
    const target = this.options.target * this.options.memoryLimit;
    if (this.memoryBytes <= target) return;
    for (const [key, m] of this.memory) {
      if (this.memoryBytes <= target) break;
      if (key === keep) continue;
      this.dir ??= this.options.spillDir ?? mkdtempSync(join(tmpdir(), 'shoal-spill-'));
      const path = join(this.dir, `${++this.fileCounter}.bin`);
      writeSpillFile(path, encodeValue(m.value));
      this.memory.delete(key);
      this.memoryBytes -= m.nbytes;
      this.disk.set(key, { path, nbytes: m.nbytes });
      this.spilledBytes += m.nbytes;
      this.spillCount++;
    }
  }

  keys(): string[] {
    return [...this.memory.keys(), ...this.disk.keys()];
  }

  close(): void {
    this.memory.clear();
    this.disk.clear();
    if (this.dir !== undefined && this.options.spillDir === undefined) rmSync(this.dir, { recursive: true, force: true });
  }
}
