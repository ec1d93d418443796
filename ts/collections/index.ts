/** shoal collections: the lazy chunked Array and the Arrow DataFrame (public API). */
export { ShoalArray, LazyScalar, where, type ArrayMeta, type ArrayOperand } from './array/array.js';
export type { ComputeOptions as CollectionComputeOptions } from './graph/compute.js';
export { fromArray, fromDelayed, concatenate, random, normal, uniform, chunkSizes, type DelayedBlock, type RandomOptions } from './array/create.js';
export type { DType, ChunkLike } from './array/dtype.js';
export { makeBlobs, makeClassification, makeRegression, type MakeBlobsOptions, type MakeClassificationOptions, type MakeRegressionOptions } from './datasets/synthetic.js';
export { makeTaxi, taxiPartition, TAXI_COLUMNS, type MakeTaxiOptions } from './datasets/taxi.js';
export { DataFrame, LazyValue, getDummies, type FrameMeta, type GetDummiesOptions } from './dataframe/dataframe.js';
export { Column, DatetimeAccessor, type ColumnLike } from './dataframe/column.js';
export { readParquet, readCsv, fromArrow, type ReadParquetOptions, type ReadCsvOptions } from './dataframe/io.js';
export type { CsvDType } from './dataframe/csv.js';
export type { AggOp } from './dataframe/groupby.js';
export { treeReduce } from './graph/reduce.js';
