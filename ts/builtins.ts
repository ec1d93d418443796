/**
 * shoal's own op modules, imported by every task thread (and the main thread
 * of a local cluster). Add one line per module that registers ops.
 */
import './actors/core-ops.js';
import './collections/ops.js';
import './ml/ops.js';
