/**
 * Subject names, under a configurable prefix (default `fossil`), as in wire.ts.
 *
 * A peer id is one subject token, or two: `<owner>.<instance>`, where the owner is the NATS user
 * the hub bound it to (a hub lets user U answer only on `.sync.U` and `.sync.U.*`, and announce
 * presence only there; see hub-permissions.ts). Several devices of one user are its instances.
 */
import { DEFAULT_PREFIX } from './wire.ts';

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export class Subjects {
  constructor(
    readonly projectCode: string,
    readonly prefix: string = DEFAULT_PREFIX,
  ) {
    // A dot or wildcard in either part would change which subjects match.
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(projectCode)) throw new Error(`not a project code: ${JSON.stringify(projectCode)}`);
    checkPrefix(prefix);
  }

  get base(): string {
    return `${this.prefix}.${this.projectCode}`;
  }

  get sync(): string {
    return `${this.base}.sync`;
  }

  syncPeer(peerId: string): string {
    return `${this.base}.sync.${checkPeerId(peerId)}`;
  }

  get queueGroup(): string {
    return `sync-${this.projectCode}`;
  }

  get commit(): string {
    return `${this.base}.commit`;
  }

  /** Where a peer announces its presence: under its own id, so the hub can bind the id. */
  presenceOf(peerId: string): string {
    return `${this.base}.presence.${checkPeerId(peerId)}`;
  }

  /** Every peer's presence. */
  get presenceAll(): string {
    return `${this.base}.presence.>`;
  }

  /** The peer id a presence subject belongs to, or undefined when it is not one. */
  presencePeer(subject: string): string | undefined {
    return this.peerUnder('presence', subject);
  }

  /** Where a server carries its new check-ins to everyone at once (carry.ts), under its own id. */
  carryOf(peerId: string): string {
    return `${this.base}.carry.${checkPeerId(peerId)}`;
  }

  get carryAll(): string {
    return `${this.base}.carry.>`;
  }

  /** The peer id a carry subject belongs to, or undefined when it is not one. */
  carryPeer(subject: string): string | undefined {
    return this.peerUnder('carry', subject);
  }

  /** The peer id after `<base>.<kind>.` in a subject, or undefined when it is not one. */
  private peerUnder(kind: string, subject: string): string | undefined {
    const head = `${this.base}.${kind}.`;
    if (!subject.startsWith(head)) return undefined;
    const id = subject.slice(head.length);
    return isPeerId(id) ? id : undefined;
  }

  get presenceQuery(): string {
    return `${this.base}.presence-query`;
  }
}

/** A subject prefix is subject tokens joined by dots: a wildcard or space would change what matches. */
export function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`bad subject prefix: ${JSON.stringify(prefix)}`);
  return prefix;
}

export function isPeerId(id: string): boolean {
  const parts = id.split('.');
  return parts.length <= 2 && parts.every((p) => TOKEN.test(p));
}

/** A peer id is one or two subject tokens: letters, digits, - and _, joined by one dot. */
export function checkPeerId(id: string): string {
  if (!isPeerId(id)) throw new Error(`not a valid peer id: ${JSON.stringify(id)} (letters, digits, - and _; OWNER.INSTANCE at most)`);
  return id;
}

/** The NATS user a peer id belongs to: its first token. */
export function ownerOf(peerId: string): string {
  return peerId.split('.')[0]!;
}

/** A user name that can own peer ids (one subject token). */
export function isSubjectToken(s: string): boolean {
  return TOKEN.test(s);
}

/** A default peer id under the NATS user that will own it (when there is one that can). */
export function ownedPeerId(user: string | undefined, base: string): string {
  return user !== undefined && isSubjectToken(user) ? `${user}.${base}` : base;
}
