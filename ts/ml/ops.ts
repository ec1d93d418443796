/** shoal.ml's op modules; imported by `ts/builtins.ts` on every task thread. */
import './preprocessing/ops.js';
import './preprocessing/quantile-ops.js';
import './linear_model/ops.js';
import './cluster/ops.js';
import './linear_model/glm-ops.js';
import './model_selection/search-ops.js';
import './wrappers-ops.js';
import './naive_bayes/ops.js';
import './model_selection/split-lazy.js';
import './delayed-ops.js';
