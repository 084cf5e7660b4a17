/** Reading a `.commit` announcement (wire.ts 5); platform-free so browsers share it. */
import type { CommitAnnouncement } from './wire.ts';

const dec = new TextDecoder();

export function parseCommitAnnouncement(data: Uint8Array): CommitAnnouncement | undefined {
  try {
    const v = JSON.parse(dec.decode(data)) as Partial<CommitAnnouncement>;
    if (typeof v.peer_id !== 'string' || typeof v.uuid !== 'string') return undefined;
    return { rid: typeof v.rid === 'number' ? v.rid : 0, uuid: v.uuid.toLowerCase(), peer_id: v.peer_id };
  } catch {
    return undefined;
  }
}
