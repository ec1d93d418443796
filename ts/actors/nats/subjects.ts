/**
 * The NATS subject layout. An actor's role is part of its address (`scheduler`,
 * `worker-<name>`, `client-<id>`, `nanny-<name>`) and of every subject, so a
 * NATS account's publish permissions decide which role it may speak as:
 *
 *   shoal.<cluster>.<role>.<address>.<senderRole>   an actor's inbox; the last
 *                                                   token is the sender's role
 *   shoal.<cluster>.nr.<address>.<destination>     "no responders" notices for
 *                                                   messages `address` sent
 *
 * See docs/nats.md for the permission layout built on this.
 */

export const ROLES = ['scheduler', 'worker', 'client', 'nanny'] as const;
export type Role = (typeof ROLES)[number];

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** The role an address speaks as; throws for an address outside the layout. */
export function roleOf(address: string): Role {
  const role = address.split('-', 1)[0] as Role;
  if (!ROLES.includes(role)) {
    throw new RangeError(`address ${JSON.stringify(address)} must be 'scheduler' or start with one of ${ROLES.map((r) => `'${r}-'`).join(', ')}`);
  }
  return role;
}

/** Checks that `name` can be one NATS subject token (cluster names, addresses). */
export function checkToken(name: string, what: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new RangeError(`${what} must be letters, digits, '-' or '_' (it becomes a NATS subject token), got ${JSON.stringify(name)}`);
  }
  return name;
}

export class Subjects {
  constructor(readonly cluster: string) {
    checkToken(cluster, 'cluster');
  }

  /** Where `to` receives messages sent by an actor with role `from`. */
  inbox(to: string, from: Role): string {
    return `shoal.${this.cluster}.${roleOf(to)}.${to}.${from}`;
  }

  /** What `address` subscribes to for its messages. */
  inboxes(address: string): string {
    return `shoal.${this.cluster}.${roleOf(address)}.${address}.*`;
  }

  /** Reply subject on messages `from` sends to `to`: the server answers there when nobody listens at `to`. */
  noResponders(from: string, to: string): string {
    return `shoal.${this.cluster}.nr.${from}.${to}`;
  }

  noRespondersOf(address: string): string {
    return `shoal.${this.cluster}.nr.${address}.*`;
  }
}
