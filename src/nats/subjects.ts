/** Subject names, under a configurable prefix (default `fossil`), as in wire.ts. */
import { DEFAULT_PREFIX } from './wire.ts';

export class Subjects {
  constructor(
    readonly projectCode: string,
    readonly prefix: string = DEFAULT_PREFIX,
  ) {
    // A dot or wildcard in either part would change which subjects match.
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(projectCode)) throw new Error(`not a project code: ${JSON.stringify(projectCode)}`);
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`bad subject prefix: ${JSON.stringify(prefix)}`);
  }

  private get base(): string {
    return `${this.prefix}.${this.projectCode}`;
  }

  get sync(): string {
    return `${this.base}.sync`;
  }

  syncPeer(peerId: string): string {
    return `${this.base}.sync.${checkToken(peerId)}`;
  }

  get queueGroup(): string {
    return `sync-${this.projectCode}`;
  }

  get commit(): string {
    return `${this.base}.commit`;
  }

  get presence(): string {
    return `${this.base}.presence`;
  }

  get presenceQuery(): string {
    return `${this.base}.presence.query`;
  }
}

/** A peer id becomes one subject token: no dots, spaces or wildcards. */
export function checkToken(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new Error(`not a valid peer id: ${JSON.stringify(id)} (letters, digits, - and _)`);
  return id;
}
