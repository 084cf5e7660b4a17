/**
 * One writer at a time across awaits. A sync session is one transaction from its first reply to
 * its last (all or nothing, as fossil's), and between rounds it waits on the network: anything
 * else that writes to the same connection meanwhile (a push another peer sends us, an edit made
 * in the browser) would land inside that transaction and share its fate. The session holds this
 * lock while its transaction is open, and such writers take it too, so they run before or after
 * the session's transaction, never inside it.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private held = 0;

  /** Is someone holding it? */
  get busy(): boolean {
    return this.held > 0;
  }

  /** Wait for the lock; the function returned releases it (once). */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const granted = this.tail.then(() => {
      this.held++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.held--;
        release();
      };
    });
    this.tail = this.tail.then(() => released);
    return granted;
  }

  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
