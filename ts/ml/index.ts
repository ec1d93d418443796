/** shoal's machine learning (public API). */
export { BaseEstimator, checkParam, type Params } from './base.js';
export { NotFittedError } from './errors.js';
export { toMatrix, toVector, type Matrix, type MatrixLike, type VectorLike } from './validation.js';
export { StandardScaler, MinMaxScaler, type StandardScalerParams, type MinMaxScalerParams } from './preprocessing/scalers.js';
export { accuracyScore, confusionMatrix, logLoss, meanAbsoluteError, meanSquaredError, r2Score, rocAucScore } from './metrics.js';
export { KFold, StratifiedKFold, ShuffleSplit, trainTestSplit, type Split } from './model_selection/split.js';
export { LinearRegression, type LinearRegressionParams } from './linear_model/linear-regression.js';
export { LogisticRegression, type LogisticRegressionParams, type Labels } from './linear_model/logistic-regression.js';
export { PoissonRegression, type PoissonRegressionParams } from './linear_model/poisson-regression.js';
export type { GlmParams, GlmPenalty } from './linear_model/glm-estimator.js';
export type { GlmSolver } from './linear_model/glm-solvers.js';
export { KMeans, type KMeansParams, type KMeansInit } from './cluster/kmeans.js';
export { GridSearchCV, RandomizedSearchCV, FitFailedError, type CvResults, type CvSplitter, type SearchOptions, type GridSearchCVParams, type RandomizedSearchCVParams } from './model_selection/search.js';
export { stats, type Distribution, type ParamGrid, type ParamDistributions } from './model_selection/param-grid.js';
export { registerScorer, getScorer, type Scorer } from './model_selection/scoring.js';
export { registerEstimator, type EstimatorClass, type EstimatorKind } from './registry.js';
export { RobustScaler, type RobustScalerParams } from './preprocessing/robust-scaler.js';
export { saveModel, loadModel, modelToBytes, modelFromBytes } from './persistence.js';
