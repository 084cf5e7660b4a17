/**
 * Naming the artifact that makes a message too large for a NATS connection, for the error a
 * peer gets when the other side cannot take chunked messages.
 */
import { CardReader } from '../sync/card-parser.ts';
import { decodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';

export interface LargestArtifact {
  hash: string;
  size: number;
}

/** The largest file or cfile card in an envelope-encoded message, if any. */
export function largestArtifact(envelope: Uint8Array): LargestArtifact | undefined {
  let best: LargestArtifact | undefined;
  try {
    const { text } = decodeBody(envelope, XFER_CONTENT_TYPE, { maxSize: 1 << 30 });
    const reader = new CardReader(text);
    for (let c = reader.next(); c !== undefined; c = reader.next()) {
      if (c.kind !== 'file' && c.kind !== 'cfile') continue;
      const size = c.payload.length;
      if (!best || size > best.size) best = { hash: c.hash, size };
    }
  } catch {
    // A message we cannot read has no artifact to name.
  }
  return best;
}

export function oversizeText(envelope: Uint8Array, limit: number, what: string): string {
  const a = largestArtifact(envelope);
  const detail = a ? `artifact ${a.hash} is ${a.size} bytes` : `the message is ${envelope.length} bytes`;
  return `${detail}, over the NATS max_payload of ${limit} bytes, and ${what} cannot take chunked messages`;
}
