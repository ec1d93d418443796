/**
 * The actor base: a handler table keyed by message type, the only way an
 * actor's state changes. Malformed input is logged and dropped, never thrown
 * into the transport, so one bad message cannot crash an actor.
 */
import { decodeEnvelope, encodeEnvelope } from './protocol/codec.js';
import type { Envelope, Msg, MsgOf, MsgType } from './protocol/messages.js';
import { refusal } from './protocol/senders.js';
import type { Endpoint, Transport } from './transport.js';

export type Handlers = { [T in MsgType]?: (msg: MsgOf<T>, env: Envelope) => void };

let stimulusCounter = 0;
/** A fresh stimulus id: `<what>-<counter>`; follow-up messages carry the id of what caused them. */
export function newStimulusId(what: string): string {
  return `${what}-${++stimulusCounter}`;
}

export type Logger = (message: string, err?: unknown) => void;
export const defaultLogger: Logger = (message, err) => console.error(`[shoal] ${message}`, err ?? '');

export abstract class Actor {
  protected readonly endpoint: Endpoint;
  protected abstract readonly handlers: Handlers;
  /** Messages this actor rejected as malformed (for tests and diagnostics). */
  rejected = 0;

  constructor(transport: Transport, readonly address: string, protected readonly log: Logger = defaultLogger) {
    this.endpoint = transport.connect(address, (bytes, attachments, senderRole) => this.receive(bytes, attachments, senderRole));
    this.endpoint.onPeerLost((peer) => this.peerLost(peer));
    this.endpoint.onReconnect?.(() => this.reconnected());
  }

  /** Sends `msg` to the actor at `to`. */
  protected send(to: string, msg: Msg, stimulusId: string, attachments: ArrayBufferView[] = []): boolean {
    return this.endpoint.send(to, encodeEnvelope(this.address, stimulusId, msg), attachments);
  }

  /**
   * Entry point for envelope bytes from the transport. `senderRole`, when the
   * transport vouches for one, must match the sender and the message type.
   */
  receive(bytes: Uint8Array, attachments: ArrayBufferView[], senderRole?: string): void {
    let env: Envelope;
    try {
      env = decodeEnvelope(bytes, attachments);
    } catch (err) {
      this.reject(`${this.address}: rejected a message`, err);
      return;
    }
    if (senderRole !== undefined) {
      const m = env.msg as { workerId?: string; clientId?: string };
      const why = refusal(env.msg.type, env.sender, senderRole, m.workerId ?? m.clientId);
      if (why !== undefined) {
        this.reject(`${this.address}: refused ${env.msg.type} from ${env.sender}: ${why}`);
        return;
      }
    }
    this.touched(env.sender);
    const handler = this.handlers[env.msg.type] as ((m: Msg, e: Envelope) => void) | undefined;
    if (handler === undefined) {
      this.reject(`${this.address}: no handler for ${env.msg.type} from ${env.sender}`);
      return;
    }
    try {
      handler.call(this, env.msg, env);
    } catch (err) {
      this.log(`${this.address}: handler for ${env.msg.type} from ${env.sender} failed`, err);
    }
  }

  /**
   * Counts and logs a dropped message. A flood of bad input (an attack, a
   * confused peer) is logged sparingly: the first 10, then every 1000th.
   */
  private reject(message: string, err?: unknown): void {
    const n = ++this.rejected;
    if (n <= 10) this.log(message, err);
    else if (n % 1000 === 0) this.log(`${message} (${n} messages rejected so far)`);
  }

  /** Called with the sender of every well-formed message (liveness tracking). */
  protected touched(_sender: string): void {}

  /** A peer vanished without unregistering; the scheduler overrides this. */
  protected peerLost(_peer: string): void {}

  /** The transport lost its connection and got it back: messages in flight may be gone. */
  protected reconnected(): void {}

  close(): void {
    this.endpoint.close();
  }
}
