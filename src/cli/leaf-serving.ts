/** Serving repositories as NATS leaves from the CLI (`serve --nats` and `hub --serve`). */
import type { PeerKind } from '../nats/wire.ts';
import type { NatsConnection } from '@nats-io/nats-core';
import { LeafAgent } from '../nats/leaf-agent.ts';
import { defaultPeerId } from '../nats/peer-id.ts';
import { checkToken } from '../nats/subjects.ts';
import type { Repository } from '../repo/repository.ts';
import type { LoginInfo } from '../sync/client-session.ts';

export interface LeafServeOptions {
  peerId?: string;
  name?: string;
  prefix?: string;
  safetySyncMs?: number;
  login?: LoginInfo;
  log?: (line: string) => void;
  /** How the leaves announce themselves: `hub` for the repositories a hub serves itself. */
  kind?: PeerKind;
}

export function startLeaves(nc: NatsConnection, repos: { path: string; repo: Repository }[], o: LeafServeOptions): LeafAgent[] {
  const agents: LeafAgent[] = [];
  for (const { path, repo } of repos) {
    const peerId = o.peerId !== undefined ? checkToken(o.peerId) : defaultPeerId(path, repo.config.serverCode);
    const agent = new LeafAgent(nc, repo, {
      peerId,
      name: o.name ?? peerId,
      prefix: o.prefix,
      safetySyncMs: o.safetySyncMs,
      file: path,
      login: o.login,
      log: o.log,
      kind: o.kind,
    });
    agent.start();
    agents.push(agent);
  }
  return agents;
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
