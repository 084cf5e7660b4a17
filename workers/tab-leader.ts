/**
 * The tabs' workers and their leader (src/peer/leader-link.ts), wired to the browser: a
 * BroadcastChannel between the workers of the origin, and the Web Lock whose holder leads. The
 * others wait in the lock's queue, so when the leader's tab closes (its worker ends, its lock
 * goes) the next worker gets the lock by itself and leads, with no reload of any tab.
 */
import { LeaderLink, type LinkMessage } from '../src/peer/leader-link.ts';
import { isRepeatable } from '../src/peer/repeatable-calls.ts';

/** The lock the one owning tab held before: a tab of an older version, still open, keeps the repositories until it closes. */
const LOCK = 'edgesync-storage';
const CHANNEL = 'edgesync-tabs';

export function joinTabs<E>(api: object, deliver: (e: E) => void, onLead: () => void): LeaderLink<E> {
  const channel = new BroadcastChannel(CHANNEL);
  const link = new LeaderLink<E>({
    port: {
      post: (m) => channel.postMessage(m),
      listen: (fn) => (channel.onmessage = (e: MessageEvent<LinkMessage>) => fn(e.data)),
    },
    api,
    deliver,
    repeatable: isRepeatable,
  });
  void navigator.locks.request(LOCK, () => {
    link.lead();
    onLead();
    // Held for as long as this worker lives.
    return new Promise<never>(() => undefined);
  });
  return link;
}
