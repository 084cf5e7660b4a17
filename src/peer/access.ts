/**
 * Who this browser is in a repository, and what it may do there. A repository made or imported
 * here belongs to this browser (it writes as whoever it likes, locally). One cloned from a link
 * has the link's role: a read link may read only; a write invite brings a fossil login that
 * signs the browser's pushes and names the user of its check-ins. A login can also be typed.
 * The credentials are kept by the worker outside the repository file (workers/idb-kv.ts).
 */
import type { NatsAuth } from '../nats/nats-url.ts';
import { CodedError } from '../errors.ts';

export type AccessRole = 'owner' | 'writer' | 'reader';

export interface RepoAccess {
  role: AccessRole;
  /** The hub's NATS credentials. */
  nats?: NatsAuth;
  /** The fossil login: its shared secret, never the clear-text password. */
  login?: { user: string; secret: string };
  /** Why a server refused this login's push (it may not write there). */
  refused?: string;
}

/** What the UI shows about it. */
export interface Identity {
  role: AccessRole;
  /** The fossil login, when there is one. */
  user?: string;
  canWrite: boolean;
  /** Plain words when writing is not possible, or goes only part of the way. */
  note?: string;
}

export function identityOf(a: RepoAccess | undefined): Identity {
  const role = a?.role ?? 'owner';
  const id: Identity = { role, canWrite: role !== 'reader' && !a?.refused };
  if (a?.login) id.user = a.login.user;
  if (role === 'reader') id.note = 'You opened this repository with a read link: you can read and sync it, but not write. Ask for a write invite, or sign in with a login that may write.';
  else if (a?.refused) id.note = `The hub's copy does not accept check-ins from ${a.login?.user ?? 'this browser'} (${a.refused}). Sign in with a login that may write.`;
  return id;
}

/** Refused because this browser may not write in the repository. */
export class ReadOnlyError extends CodedError {
  override name = 'ReadOnlyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('read-only', message, options);
  }
}
