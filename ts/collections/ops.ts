/** Registers every collections op on this thread (imported by ts/builtins.ts). */
import './graph/ops.js';
import './array/ops.js';
import './dataframe/ops.js';
import './serializers.js';
