/**
 * Splitting a message body into parts that each fit a NATS message, and keeping parts around
 * for a while (chunked replies waiting to be fetched, uploads being assembled). See wire.ts 3, 4.
 */
import { PARTS_TTL_MS } from './wire.ts';

export function splitBody(body: Uint8Array, partSize: number): Uint8Array[] {
  if (partSize <= 0) throw new Error('part size must be positive');
  const parts: Uint8Array[] = [];
  for (let i = 0; i < body.length; i += partSize) parts.push(body.subarray(i, Math.min(body.length, i + partSize)));
  if (parts.length === 0) parts.push(body);
  return parts;
}

export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function randomId(): string {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

interface Entry<T> {
  value: T;
  expires: number;
}

/** A map whose entries vanish after a time, and that never grows past a bound. */
export class ExpiringMap<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs = PARTS_TTL_MS,
    private readonly maxEntries = 64,
  ) {}

  set(key: string, value: T): void {
    this.sweep();
    // Oldest first: Map keeps insertion order.
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
  }

  get(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, e] of this.entries) if (e.expires < now) this.entries.delete(k);
  }
}
