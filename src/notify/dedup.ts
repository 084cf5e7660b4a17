/**
 * Receiver-side deduplication by message id. JetStream already drops a republished id within its
 * duplicate window, but a Go peer publishes without `Nats-Msg-Id` and a sender may retry after
 * the window, so every receiver also remembers the ids it has shown (bounded, oldest forgotten).
 */
export class SeenIds {
  private readonly ids = new Set<string>();

  constructor(
    private readonly limit = 10_000,
    initial: Iterable<string> = [],
  ) {
    for (const id of initial) this.add(id);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** True when the id is new (and now remembered). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) {
      // Sets iterate in insertion order: drop the oldest tenth at once.
      let drop = Math.ceil(this.limit / 10);
      for (const old of this.ids) {
        if (drop-- <= 0) break;
        this.ids.delete(old);
      }
    }
    return true;
  }

  /** The newest `n` ids, oldest first (for saving). */
  newest(n: number): string[] {
    return [...this.ids].slice(-n);
  }
}
