/**
 * Which role may send each message. Over NATS the transport vouches for the
 * sender's role (the subject a message arrived on, guarded by account
 * permissions); the receiving actor drops a message its sender's role may not
 * send, so a client account can never report task results as a worker, or
 * hand a worker tasks as the scheduler.
 */
import type { MsgType } from './messages.js';

const W = 'worker';
const C = 'client';
const S = 'scheduler';
const N = 'nanny';

export const SENT_BY: Record<MsgType, readonly string[]> = {
  RegisterWorker: [W],
  RegisterClient: [C],
  Unregister: [W, C],
  Heartbeat: [W],
  UpdateGraph: [C],
  ComputeTasks: [S],
  TasksDone: [W],
  GetData: [W, C],
  DataReply: [W],
  PutData: [W, C],
  PutDataAck: [W],
  AddKeys: [W, C],
  ReleaseKeys: [C],
  CancelKeys: [C],
  FreeKeys: [S],
  Steal: [S],
  StealResponse: [W],
  KeysUpdate: [S],
  Progress: [S],
  Welcome: [S],
  Identify: [W, C, N],
  Identity: [S],
  Retire: [W, N],
  PushData: [W],
};

/**
 * Why a message from `sender` (speaking as `senderRole`) must be dropped, or
 * undefined when it may pass. The sender's own address must carry the role too,
 * and a message naming its worker or client (`claimed`) must name the sender.
 */
export function refusal(type: MsgType, sender: string, senderRole: string, claimed?: string): string | undefined {
  if (!SENT_BY[type].includes(senderRole)) return `a ${senderRole} may not send ${type}`;
  const addressRole = sender === 'scheduler' ? 'scheduler' : sender.split('-', 1)[0];
  if (addressRole !== senderRole) return `sender ${sender} is not a ${senderRole}`;
  // A worker's or client's message naming an actor ('' for none) must name the sender itself.
  if (claimed !== undefined && claimed !== '' && claimed !== sender) return `${sender} may not speak for ${claimed}`;
  return undefined;
}
