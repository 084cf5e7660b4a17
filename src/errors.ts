/**
 * What kind of failure an error is, as a code every layer can set and every face (the CLI, the
 * UI) can act on without reading its message. The message says what happened, for a log; the
 * `cause` (ES2022) keeps the error underneath; the code says whose problem it is.
 *
 * The one line that matters most: a failure of this device's own storage is `local-storage`,
 * never a peer's fault, however it came up (while storing what a peer sent, say).
 */

export const ERROR_CODES = [
  /** This device's storage failed: disk or quota full, I/O error, read only, busy, corrupt (src/db/storage-error.ts). */
  'local-storage',
  /** What a peer sent is wrong: an artifact that does not match its name, a reply that does not parse. */
  'peer-bad-data',
  /** A peer said no: not authorized to read, write, clone or sync private content. */
  'peer-refused',
  /** A peer could not answer because of its own trouble (its `server error`). */
  'peer-failed',
  /** The credentials were refused: the hub's user, password or token, or a fossil login. */
  'auth',
  /** The hub (or server) cannot be reached, or the connection was lost. */
  'unreachable',
  /** The hub is there but no peer answers for this repository. */
  'no-peer',
  /** This device may not write here (a read link). */
  'read-only',
  /** Something asked for is not there. */
  'not-found',
  /** It is already there, or something else is in the way. */
  'conflict',
  /** What was typed or given is not usable (a bad address, option or file). */
  'bad-input',
  /** Stopped before it finished. */
  'cancelled',
  /**
   * The tab whose worker held the repositories closed while it ran this change, which it may or
   * may not have made (src/peer/leader-link.ts): not run again, so it is never made twice.
   */
  'owner-changed',
  /** Anything else: a bug, or a failure nobody has named yet. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && KNOWN.has(v);
}

/** An error that says what kind it is. Subclasses fix the code; the message is for a log. */
export class CodedError extends Error {
  override name = 'CodedError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The code of anything thrown: its own `code` when that is one of ours (a CodedError, or an
 * error that crossed a worker boundary as plain data), else `internal`.
 */
export function codeOf(e: unknown): ErrorCode {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return isErrorCode(code) ? code : 'internal';
}
