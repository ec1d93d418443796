/**
 * The native addon (crate `bindings/`), loaded once per thread.
 *
 * napi-rs generates a CommonJS loader (`bindings/index.cjs`) that picks the
 * right `.node` file for this platform; ESM reaches it through createRequire.
 */
import { createRequire } from 'node:module';

type Native = typeof import('../bindings/index.cjs');

const require = createRequire(import.meta.url);
// dist/ts/native.js → ../../bindings ; ts/native.ts (never run directly) → ../bindings
export const native: Native = require('../../bindings/index.cjs');
