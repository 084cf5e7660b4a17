/**
 * Every error the UI shows, in words, from its code (src/errors.ts) — the one place the UI turns
 * a failure into a sentence. Errors from the worker carry their code across comlink
 * (workers/coded-throw.ts), progress and connection events carry it as `code`. The message is
 * used only as it is: added as the detail, or shown whole where it was written for people (the
 * worker's own "This project is already here"); it is never read to guess the code.
 */
import { codeOf, type ErrorCode } from '../errors.ts';

/** For each code what to say; `detail` is the error's message (may be empty). */
export const ERROR_SENTENCES: Record<ErrorCode, (detail: string) => string> = {
  'local-storage': (d) => `This device’s storage is full or failing, so nothing was saved. Free some space (or let this site keep more) and try again.${aside(d)}`,
  'peer-bad-data': (d) => `A peer sent something that does not check out, so none of it was kept.${aside(d)}`,
  'peer-refused': (d) => `The repository refused: ${d || 'not authorized.'}`,
  'peer-failed': (d) => `The peer could not answer because of a problem on its side.${aside(d)}`,
  auth: () => 'The hub refused the credentials (user, password or token).',
  unreachable: () => 'Cannot reach the hub right now (check its address); EdgeSync keeps trying and syncs as soon as it can.',
  'no-peer': () => 'No peer is serving this repository right now. It syncs as soon as one is online.',
  'read-only': (d) => d || 'You may not write in this repository.',
  'not-found': (d) => d || 'That is not here.',
  conflict: (d) => d || 'Something else is in the way; try again in a moment.',
  'bad-input': (d) => d || 'That cannot be used as it is.',
  cancelled: () => 'Stopped before it finished.',
  'owner-changed': () => 'The tab that held the repositories closed during this change; check whether it was made, and try again if not.',
  internal: (d) => d || 'Something went wrong.',
};

function aside(detail: string): string {
  return detail ? ` (${detail})` : '';
}

/** What the UI says for an error: a thrown one, or a `{ code, message }` from an event. */
export function errorText(e: unknown): string {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : e;
  return ERROR_SENTENCES[codeOf(e)](typeof message === 'string' ? message : message === undefined ? '' : String(message));
}

/**
 * A clone that failed, where the general sentence would be wrong: nothing keeps trying a clone
 * (the page offers Retry), and a hub with no peer for the project most likely has no such
 * project. Every other code is worded as anywhere else.
 */
export const CLONE_ERROR_SENTENCES: Partial<Record<ErrorCode, (detail: string) => string>> = {
  unreachable: () => 'Cannot reach the hub: it is down, or the link’s hub address is wrong. Nothing was cloned; Retry once the hub is up.',
  'no-peer': () => 'The hub answered, but nothing there serves this project: check that the link is whole (its project code), or ask whoever shared it whether the repository’s server is online.',
  cancelled: () => 'The clone was cancelled.',
};

export function cloneErrorText(e: unknown): string {
  const sentence = CLONE_ERROR_SENTENCES[codeOf(e)];
  return sentence ? sentence('') : errorText(e);
}
