/** Serving repositories as NATS leaves from the CLI (`serve --nats` and `hub --serve`). */
import type { PeerKind } from '../nats/wire.ts';
import { MeshAgent } from '../mesh/agent.ts';
import type { MeshBus } from '../mesh/bus.ts';
import type { TrustPolicy } from '../mesh/trust.ts';
import { watchFile } from '../nats/file-watch.ts';
import { defaultPeerId } from '../nats/peer-id.ts';
import { checkPeerId, ownedPeerId } from '../nats/subjects.ts';
import type { Repository } from '../repo/repository.ts';
import type { LoginInfo } from '../sync/client-session.ts';

export interface LeafServeOptions {
  peerId?: string;
  name?: string;
  prefix?: string;
  safetySyncMs?: number;
  login?: LoginInfo;
  trust?: TrustPolicy;
  log?: (line: string) => void;
  /** How the leaves announce themselves: `hub` for the repositories a hub serves itself. */
  kind?: PeerKind;
}

export interface ServedLeaf {
  agent: MeshAgent;
  stop(): Promise<void>;
}

/**
 * A leaf's peer id: the one given, else one stable across restarts of the same file. On a hub
 * that binds peer ids to NATS users it must be owned by this connection's user, so the default
 * is `<user>.<host and file>`.
 */
export function leafPeerId(bus: MeshBus, path: string, repo: Repository, given: string | undefined): string {
  if (given !== undefined) return checkPeerId(given);
  return ownedPeerId(bus.user, defaultPeerId(path, repo.config.serverCode));
}

export async function startLeaves(bus: MeshBus, repos: { path: string; repo: Repository }[], o: LeafServeOptions): Promise<ServedLeaf[]> {
  const leaves: ServedLeaf[] = [];
  for (const { path, repo } of repos) {
    const peerId = leafPeerId(bus, path, repo, o.peerId);
    const prefix = `[${repo.projectCode.slice(0, 10)}] `;
    const agent = new MeshAgent(bus, repo, {
      peerId,
      name: o.name ?? peerId,
      kind: o.kind ?? 'leaf',
      prefix: o.prefix,
      safetySyncMs: o.safetySyncMs,
      login: o.login,
      trust: o.trust,
      watchMs: 500,
      hooks: o.log ? { log: (line) => o.log!(prefix + line) } : {},
    });
    await agent.start();
    const unwatch = watchFile(path, () => agent.lookForChanges());
    leaves.push({
      agent,
      async stop() {
        unwatch();
        await agent.stop();
      },
    });
  }
  return leaves;
}

/** Resolve when the process is asked to stop (Ctrl-C or a kill). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
      resolve(sig);
    };
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
  });
}
