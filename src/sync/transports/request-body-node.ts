/**
 * Reading an HTTP sync request within bounds, before anything about its sender is known (the
 * login is inside the body). The body is inflated as it arrives, so the compressed bytes are
 * never held whole; its card text may be at most `maxText` bytes, and every byte held (the
 * inflated text, reserved at once from the size the envelope claims, or a plain body as it
 * grows) is taken from a budget shared by all requests in flight. A request that would go over
 * gets a refusal at once, and the server's memory stays within the budget however many arrive.
 */
import type { IncomingMessage } from 'node:http';
import { createInflate, type Inflate } from 'node:zlib';
import { bodyEncodingOf } from '../envelope.ts';

/** Bytes the requests in flight may hold together. */
export class ByteBudget {
  private held = 0;
  peak = 0;

  constructor(readonly limit: number) {}

  take(n: number): boolean {
    if (this.held + n > this.limit) return false;
    this.held += n;
    if (this.held > this.peak) this.peak = this.held;
    return true;
  }

  give(n: number): void {
    this.held = Math.max(0, this.held - n);
  }

  get inUse(): number {
    return this.held;
  }
}

export type BodyOutcome =
  | { kind: 'text'; text: Uint8Array; wireBytes: number; release: () => void }
  | { kind: 'damaged'; reason: string; release: () => void }
  | { kind: 'too-large'; what: string }
  | { kind: 'busy' };

export interface BodyLimits {
  /** Largest body on the wire. */
  maxBody: number;
  /** Largest card text, inflated or plain. */
  maxText: number;
}

/** Does a body start like an envelope: a size, then a zlib header (RFC 1950)? */
function looksLikeEnvelope(head: Uint8Array): boolean {
  if (head.length < 6) return false;
  const cmf = head[4]!;
  const flg = head[5]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * Read one request body. Plain text under the envelope type (`fossil sync
 * --no-http-compression`) is taken as it is, as decodeBody does; one that starts like an
 * envelope and does not inflate is damaged.
 */
export function readRequestBody(req: IncomingMessage, contentType: string, limits: BodyLimits, budget: ByteBudget): Promise<BodyOutcome> {
  const envelopeType = bodyEncodingOf(contentType) === 'envelope';
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxBody) {
    req.resume();
    return Promise.resolve({ kind: 'too-large', what: `request of ${declared} bytes is over the limit of ${limits.maxBody}` });
  }
  return new Promise((resolve) => {
    let reserved = 0;
    let settled = false;
    let wire = 0;
    let head: Buffer | undefined = Buffer.alloc(0);
    let plain: Buffer[] | undefined;
    let inflater: Inflate | undefined;
    let out: Buffer | undefined;
    let outLength = 0;
    let damage: string | undefined;
    let ended = false;
    const release = () => {
      budget.give(reserved);
      reserved = 0;
    };
    const finish = (o: BodyOutcome) => {
      if (settled) return;
      settled = true;
      if (o.kind === 'too-large' || o.kind === 'busy') {
        release();
        inflater?.destroy();
        // Stop reading: the refusal goes out now, and the connection closes after it.
        req.unpipe();
        req.resume();
      }
      resolve(o);
    };
    const reserve = (n: number): boolean => {
      if (!budget.take(n)) {
        finish({ kind: 'busy' });
        return false;
      }
      reserved += n;
      return true;
    };
    const startInflating = (claimed: number) => {
      if (claimed > limits.maxText) return finish({ kind: 'too-large', what: `envelope claims ${claimed} bytes of card text, over the limit of ${limits.maxText}` });
      if (!reserve(claimed)) return;
      out = Buffer.allocUnsafe(claimed);
      inflater = createInflate();
      inflater.on('data', (c: Buffer) => {
        // Output longer than claimed is a damaged envelope (upstream refuses it too).
        if (outLength + c.length > claimed) {
          damage ??= `inflated data exceeds ${claimed} bytes`;
          inflater!.destroy();
          return;
        }
        c.copy(out!, outLength);
        outLength += c.length;
      });
      inflater.on('error', (e) => {
        damage ??= `cannot inflate: ${e.message}`;
      });
      inflater.on('end', () => {
        if (damage) finish({ kind: 'damaged', reason: damage, release });
        else finish({ kind: 'text', text: new Uint8Array(out!.buffer, out!.byteOffset, outLength), wireBytes: wire, release });
      });
      // Destroyed (too long) or failed: once the body is all in, it is a damaged envelope.
      inflater.on('close', () => {
        if (ended) finish({ kind: 'damaged', reason: damage ?? 'cannot inflate', release });
      });
    };
    const feed = (chunk: Buffer) => {
      if (plain) {
        // Twice: the chunks, and the one buffer they are joined into at the end.
        if (!reserve(2 * chunk.length)) return;
        plain.push(chunk);
      } else if (inflater) {
        if (!inflater.destroyed) inflater.write(chunk);
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      wire += chunk.length;
      if (wire > limits.maxBody) return finish({ kind: 'too-large', what: `request larger than ${limits.maxBody} bytes` });
      if (wire > limits.maxText && plain) return finish({ kind: 'too-large', what: `message of more than ${limits.maxText} bytes is over the limit` });
      if (head) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 6) return;
        const first = head;
        head = undefined;
        if (envelopeType && looksLikeEnvelope(first)) {
          startInflating(first.readUInt32BE(0));
          if (settled) return;
          feed(first.subarray(4));
        } else {
          plain = [];
          feed(first);
        }
        return;
      }
      feed(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      if (head) {
        // Shorter than any envelope: plain text.
        plain = [];
        if (head.length && !reserve(2 * head.length)) return;
        plain.push(head);
      }
      if (plain) {
        const text = Buffer.concat(plain);
        return finish({ kind: 'text', text: new Uint8Array(text.buffer, text.byteOffset, text.byteLength), wireBytes: wire, release });
      }
      ended = true;
      if (inflater!.destroyed) finish({ kind: 'damaged', reason: damage ?? 'cannot inflate', release });
      else inflater!.end();
    });
    req.on('error', () => finish({ kind: 'damaged', reason: 'the request broke off', release }));
  });
}
