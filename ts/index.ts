/** shoal — the public API. Re-exports only; see DESIGN.md for the map. */
export { native } from './native.js';
export * from './actors/mod.js';
export * from './collections/index.js';
export * from './ml/index.js';
