/**
 * The protocol's messages as plain TypeScript objects: what actor handlers see.
 * `codec.ts` turns them into FlatBuffers `Envelope` bytes and back.
 */

/** A serialized value: header bytes plus indexes into the envelope's attachments. */
export interface WireValue { header: Uint8Array; buffers: number[] }
/** A task argument: the key of another task (`ref`) or a literal. */
export interface WireArg { ref?: string; literal?: WireValue }
export interface TaskDef { key: string; op: string; args: WireArg[]; dependencies: string[]; priority: number; retries: number }
export interface ComputeTask {
  key: string; op: string; args: WireArg[]; whoHas: Array<{ key: string; workers: string[] }>; priority: number;
  /** A client already waiting on this result: a small one is pushed to it ('' or absent: none). */
  pushTo?: string;
}
export interface TaskFinished {
  key: string; nbytes: number; typeName: string;
  /** The client this result was pushed to ('' or absent: none). */
  pushedTo?: string;
}
export interface RemoteErrorInfo { errorType: string; message: string; stack: string }
export interface TaskErred extends RemoteErrorInfo {
  key: string; threadDied: boolean;
  /** An input that could not be fetched, and the worker asked for it ('' otherwise). */
  missingKey?: string; missingFrom?: string;
}
export interface DataItem { key: string; value: WireValue }
export interface PushedItem extends DataItem { nbytes: number; typeName: string }
export interface KeyInMemory { key: string; workers: string[]; nbytes: number; typeName: string }
export interface KeyErred extends RemoteErrorInfo { key: string; workerId: string; cancelled: boolean }

export interface WorkerInfo {
  id: string; nthreads: number; memoryLimit: number; memory: number; spilled: number;
  executing: number; queued: number; paused: boolean; keys: number;
}

export type Msg =
  | { type: 'RegisterWorker'; workerId: string; nthreads: number; memoryLimit: number }
  | { type: 'RegisterClient'; clientId: string }
  | { type: 'Unregister'; id: string }
  | { type: 'Heartbeat'; workerId: string; memory: number; spilled: number; executing: number; queued: number; paused: boolean; resync?: boolean }
  | { type: 'UpdateGraph'; clientId: string; tasks: TaskDef[]; wanted: string[]; push?: string[] }
  | { type: 'ComputeTasks'; tasks: ComputeTask[] }
  | { type: 'TasksDone'; workerId: string; finished: TaskFinished[]; erred: TaskErred[] }
  | { type: 'GetData'; requestId: number; replyTo: string; keys: string[] }
  | { type: 'DataReply'; requestId: number; items: DataItem[]; missing: string[] }
  | { type: 'PutData'; requestId: number; replyTo: string; items: DataItem[]; stored?: string }
  | { type: 'PutDataAck'; requestId: number; nbytes: number[]; refused?: boolean }
  | { type: 'AddKeys'; clientId: string; keys: string[]; workers: string[]; nbytes: number[] }
  | { type: 'ReleaseKeys'; clientId: string; keys: string[] }
  | { type: 'CancelKeys'; clientId: string; keys: string[] }
  | { type: 'FreeKeys'; keys: string[] }
  | { type: 'Steal'; keys: string[] }
  | { type: 'StealResponse'; workerId: string; stolen: string[] }
  | { type: 'KeysUpdate'; memory: KeyInMemory[]; erred: KeyErred[] }
  | { type: 'Progress'; total: number; finished: number; erred: number; processing: number }
  | { type: 'Welcome'; schedulerId: string; reset: boolean; dashboardLink: string }
  | { type: 'Identify'; requestId: number; replyTo: string }
  | { type: 'Identity'; requestId: number; schedulerId: string; workers: WorkerInfo[]; clients: number; tasks: number; processing: number; uptimeMs: number; dashboardLink: string }
  | { type: 'Retire'; workerId: string }
  | { type: 'PushData'; workerId: string; items: PushedItem[] };

export type MsgType = Msg['type'];
export type MsgOf<T extends MsgType> = Extract<Msg, { type: T }>;

/** A decoded envelope: who sent it, the stimulus it traces back to, the message and its out-of-band buffers. */
export interface Envelope { sender: string; stimulusId: string; msg: Msg; attachments: ArrayBufferView[] }
