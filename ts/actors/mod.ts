/** The runtime's public API (re-exported from ts/index.ts). */
export { Client, getClient, type ComputeOptions, type ConnectOptions } from './client.js';
export { LocalCluster, type LocalClusterOptions } from './local-cluster.js';
export { Future, type FutureStatus } from './future.js';
export { RemoteError, CancelledError, SchedulerRestartedError, SchedulerUnreachableError } from './errors.js';
export { NatsTransport, type NatsOptions } from './nats/transport.js';
export { ref, isRef, GraphError, type Graph, type TaskSpec, type Ref } from './graph.js';
export { registerOp, opContext, UnknownOpError, type Op, type OpContext } from './ops.js';
export { allocShared, isChunk, type Chunk, type TypedArray } from './chunk.js';
export { registerSerializer, sizeOf, type Serializer } from './serialize.js';
export { parseMemoryLimit } from './memory-limit.js';
export type { ProgressSnapshot } from './progress.js';
export type { Transport, Endpoint } from './transport.js';
