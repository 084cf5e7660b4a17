/** Telling a sync reply from an error page, shared by the HTTP client transports. */
import { latin1 } from '../../fossil/bytes.ts';

export function isSyncContentType(type: string): boolean {
  return type.trim().toLowerCase().startsWith('application/x-fossil');
}

/** A short, readable account of a reply that is not a sync message (HTML tags stripped). */
export function describeNonSyncReply(where: string, type: string, body: Uint8Array): string {
  const text = latin1(body, 0, Math.min(body.length, 2000)).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return `${where}: the reply is not a fossil sync message (Content-Type ${JSON.stringify(type)})${text ? `: ${text.slice(0, 300)}` : ''}`;
}
