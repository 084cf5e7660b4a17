/**
 * Splitting a message body into parts that each fit a NATS message, and keeping parts around
 * for a while (chunked replies waiting to be fetched, uploads being assembled). See wire.ts 3, 4.
 */
import type { Clock } from '../mesh/clock.ts';
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
  bytes: number;
  expires: number;
}

/**
 * A map whose entries vanish after a time, and that never grows past a number of entries or a
 * number of bytes (oldest entries go first).
 */
export class ExpiringMap<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private held = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = PARTS_TTL_MS,
    private readonly maxEntries = 64,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Bytes held by all entries. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: T, bytes = 0): void {
    this.sweep();
    this.delete(key);
    // Oldest first: Map keeps insertion order.
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.held + bytes > this.maxBytes)) {
      this.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, bytes, expires: this.clock.now() + this.ttlMs });
    this.held += bytes;
  }

  /** Count more bytes against an entry (an upload that grew). */
  grow(key: string, bytes: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.bytes += bytes;
    this.held += bytes;
  }

  get(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires < this.clock.now()) {
      this.delete(key);
      return undefined;
    }
    return e.value;
  }

  values(): T[] {
    this.sweep();
    return [...this.entries.values()].map((e) => e.value);
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.held -= e.bytes;
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (e.expires < now) this.delete(k);
  }
}
