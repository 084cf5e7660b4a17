/**
 * The worker calls that may run again when the tab that ran them closed before answering
 * (src/peer/leader-link.ts): those that only read, and those made to be repeated. Any other call
 * is a change that may already be made; it is not run twice.
 */
import type { AuthorCalls, HubCalls, NotifyCalls, RepoCalls, WorkerApi } from './worker-api.ts';
import type { CallPath } from './leader-link.ts';

const top: (keyof WorkerApi)[] = ['storage'];
const repos: (keyof RepoCalls)[] = [
  'list', 'checkins', 'unsynced', 'exportFile', 'exportGit',
  // Waits for, or resumes, the project's clone: a second call joins the first.
  'clone',
  // Stopping a clone twice stops it once.
  'cancelClone',
];
// A second sync finds what the first left to do.
const hub: (keyof HubCalls)[] = ['info', 'syncNow'];
const notify: (keyof NotifyCalls)[] = ['view', 'markRead'];
const author: (keyof AuthorCalls)[] = ['startPoints', 'draft', 'readFile', 'forks', 'wikiTitles', 'wikiSource', 'tickets', 'ticket'];

const REPEATABLE: ReadonlySet<string> = new Set([
  ...top,
  ...repos.map((k) => `repos.${k}`),
  ...hub.map((k) => `hub.${k}`),
  ...notify.map((k) => `notify.${k}`),
  ...author.map((k) => `author.${k}`),
]);

export function isRepeatable(path: CallPath): boolean {
  // Every `browse` and `records` call reads (src/peer/browse.ts, records.ts).
  return path[0] === 'browse' || path[0] === 'records' || REPEATABLE.has(path.join('.'));
}
