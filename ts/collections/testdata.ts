/** Paths to the committed reference data (scripts/reference/collections_reference.py), for tests. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('testdata: cannot find the repository root (package.json)');
    dir = up;
  }
  return dir;
}

export function testdataPath(name: string): string {
  return join(repoRoot(), 'ts', 'collections', 'testdata', name);
}

export function readReference<T = any>(name: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(testdataPath(name), 'utf8')) as T;
}
