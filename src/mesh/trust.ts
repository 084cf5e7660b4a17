/**
 * The one access rule for what a pull may bring into a repository. Bytes enter a repository in
 * two ways only:
 *
 *  (a) a push, accepted by the sync server (src/sync/server-handler.ts) only when its login card
 *      signs for a user with capability `i` (`x` for private artifacts, `y` for unversioned
 *      files), the same code over HTTP and NATS; and
 *  (b) a pull this repository starts from a peer it trusts to serve the project: one the
 *      operator names, or any peer on a hub that vouches for who may serve; or, in the same
 *      way, from a copy of the repository that the person at this device hands over (an
 *      imported `.fossil` of the same project, merge-copy.ts), or from a check-in such a peer
 *      carried to everyone (carry.ts), applied as the first reply of a pull from it.
 *
 * A hub vouches by its subject permissions (src/nats/hub-permissions.ts): only the servers and
 * writers of a project may answer on its sync subjects, each only under its own peer ids. A
 * request to `.sync.<peer>` on such a hub reaches that peer's owner or nobody, so whoever
 * answers is vouched for. The agent tells such a hub from an open one (a plain nats-server, a
 * shared password) by trying what the hub must refuse: answering under a peer id it does not own.
 * On an open hub only named peers are pulled from; announcements from anyone else are ignored,
 * and those peers reach this repository by pushing, signed with their login.
 */
import type { MeshBus } from './bus.ts';

export interface TrustPolicy {
  /** Peer ids the operator names (`serve --trust-peer`): always pulled from. */
  named?: readonly string[];
  /**
   * Whether the hub vouches for who may serve: true when known (the hub's own leaves), false to
   * pull from named peers only, 'probe' to find out from the hub itself (the default).
   */
  hubVouches?: boolean | 'probe';
}

export class Trust {
  private readonly named: ReadonlySet<string>;
  private vouched = false;

  constructor(private readonly policy: TrustPolicy) {
    this.named = new Set(policy.named ?? []);
  }

  /** Settle whether the hub vouches (once connected). */
  async settle(bus: MeshBus, probeSubject: string): Promise<void> {
    const v = this.policy.hubVouches ?? 'probe';
    this.vouched = v === 'probe' ? await hubRestrictsAnswering(bus, probeSubject) : v;
  }

  get hubVouches(): boolean {
    return this.vouched;
  }

  /** May a pull from this peer bring artifacts into the repository? */
  mayPullFrom(peerId: string): boolean {
    return this.vouched || this.named.has(peerId);
  }

  describe(): string {
    const names = [...this.named];
    if (this.vouched) return `the hub vouches for who serves${names.length ? `; also trusted: ${names.join(', ')}` : ''}`;
    return names.length ? `pulling only from ${names.join(', ')} (the hub does not restrict who serves)` : 'pulling from no peer (the hub does not restrict who serves, and no peer is named)';
  }
}

/**
 * Does the hub refuse this connection a subscription to a peer subject it does not own? Only a
 * hub that binds peer ids to users does; the probe is unsubscribed either way.
 */
export async function hubRestrictsAnswering(bus: MeshBus, probeSubject: string): Promise<boolean> {
  const sub = bus.subscribe(probeSubject, () => undefined);
  try {
    await bus.flush();
    return sub.refusal !== undefined;
  } finally {
    sub.unsubscribe();
  }
}
