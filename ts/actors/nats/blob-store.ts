/**
 * The cluster's blob store on NATS: a JetStream object store, one bucket per
 * cluster. A broadcast scatter writes its buffers once and every worker reads
 * them from the server, instead of the client sending the data to each worker
 * (for a cluster of many hosts the server, not the client's link, carries the
 * fan-out). Objects are framed like messages (frame.ts) and read straight into
 * shared memory; the server checks each object's digest on the way out.
 */
import type { ObjectStore } from 'nats';
import type { BlobStore } from '../transport.js';
import { frameLength, frameSegments, parseFrame } from './frame.js';

export class NatsBlobStore implements BlobStore {
  constructor(private readonly os: ObjectStore, private readonly chunkBytes: number) {}

  async put(name: string, buffers: ArrayBufferView[]): Promise<void> {
    const empty = new Uint8Array(0);
    const segments = frameSegments(empty, buffers);
    const total = frameLength(empty, buffers);
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < segments.length) controller.enqueue(segments[i++]);
        else controller.close();
      },
    });
    const info = await this.os.put({ name, options: { max_chunk_size: this.chunkBytes } }, stream);
    if (info.size !== total) throw new Error(`blob store: stored ${info.size} bytes of ${name}, expected ${total}`);
  }

  async get(name: string): Promise<Uint8Array[]> {
    const r = await this.os.get(name);
    if (r === null) throw new Error(`blob store: no object ${name}`);
    const frame = new Uint8Array(new SharedArrayBuffer(r.info.size));
    let at = 0;
    const reader = r.data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.byteLength > frame.byteLength) throw new Error(`blob store: ${name} is longer than its ${r.info.size} bytes`);
      frame.set(value, at);
      at += value.byteLength;
    }
    await r.error.then((e) => { if (e) throw e; });
    if (at !== frame.byteLength) throw new Error(`blob store: ${name} ended after ${at} of ${frame.byteLength} bytes`);
    return parseFrame(frame).attachments;
  }

  async delete(name: string): Promise<void> {
    await this.os.delete(name);
  }
}
