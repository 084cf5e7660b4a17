/**
 * Least-recently-used cache of expanded artifacts, bounded by total bytes.
 * Keyed by artifact hash rather than rid: the content of a hash never changes, so an entry can
 * never go stale, not even when a rolled-back transaction lets SQLite hand the same rid out again.
 */
export class ContentCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private max: number) {}

  /** The budget in bytes; lowering it evicts the least recently used entries at once. */
  get maxBytes(): number {
    return this.max;
  }

  set maxBytes(n: number) {
    this.max = n;
    this.evict();
  }

  get(uuid: string): Uint8Array | undefined {
    const v = this.entries.get(uuid);
    if (v !== undefined) {
      this.entries.delete(uuid);
      this.entries.set(uuid, v);
    }
    return v;
  }

  has(uuid: string): boolean {
    return this.entries.has(uuid);
  }

  set(uuid: string, content: Uint8Array): void {
    // Anything over a quarter of the budget would flush most of the cache for one artifact.
    if (content.length > this.maxBytes / 4) return;
    const old = this.entries.get(uuid);
    if (old !== undefined) {
      this.entries.delete(uuid);
      this.bytes -= old.length;
    }
    this.entries.set(uuid, content);
    this.bytes += content.length;
    this.evict();
  }

  private evict(): void {
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.max) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.bytes;
  }
}
