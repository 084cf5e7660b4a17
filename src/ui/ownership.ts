/**
 * One tab at a time owns the repositories: the OPFS pool can be held by one worker only, and two
 * writers on one file would corrupt it. The owner holds a Web Lock for as long as its worker
 * runs. Another tab says so and offers to take over: the owner then closes everything, ends its
 * worker, lets the lock go, and shows that the app moved.
 */
const LOCK = 'edgesync-storage';
const CHANNEL = 'edgesync-ownership';

export type Ownership = 'owner' | 'elsewhere' | 'moved';

export interface OwnerHooks {
  /** We hold the lock: start the worker. */
  acquired(): void;
  /** Someone asked to take over: close everything, then resolve. */
  release(): Promise<void>;
  state(s: Ownership): void;
}

export function claimOwnership(hooks: OwnerHooks): { takeOver: () => void } {
  const channel = new BroadcastChannel(CHANNEL);
  let letGo: (() => void) | undefined;

  // On a reload the old page's lock (and its worker's storage handles) go away a moment after
  // the new page starts: look again a few times before saying another tab has it.
  let misses = 0;
  const hold = (opts: LockOptions): Promise<void> =>
    navigator.locks.request(LOCK, opts, async (lock) => {
      if (!lock) {
        if (++misses < 8) setTimeout(() => void hold(opts), 250);
        else hooks.state('elsewhere');
        return;
      }
      hooks.state('owner');
      hooks.acquired();
      await new Promise<void>((resolve) => (letGo = resolve));
    });

  channel.onmessage = async (m) => {
    if ((m.data as { type?: string })?.type !== 'take-over' || !letGo) return;
    await hooks.release();
    const done = letGo;
    letGo = undefined;
    hooks.state('moved');
    done();
  };

  void hold({ ifAvailable: true });
  return {
    takeOver() {
      // Wait for the lock (the owner lets it go after closing), then ask for it.
      void hold({});
      channel.postMessage({ type: 'take-over' });
    },
  };
}
