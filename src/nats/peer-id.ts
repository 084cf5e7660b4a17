/**
 * A leaf's default peer id: stable across restarts of the same file (so a client in the middle
 * of a clone finds the restarted responder on `.sync.<peer>`), different for a copy of the file
 * elsewhere (which numbers its artifacts differently).
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { realpathSync } from 'node:fs';

export function defaultPeerId(repoPath: string, serverCode: string | undefined): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'host';
  const h = createHash('sha1').update(`${realpathSync(repoPath)}\n${serverCode ?? ''}`).digest('hex');
  return `${host}-${h.slice(0, 10)}`;
}
