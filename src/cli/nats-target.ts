/** The CLI's sync transport for a NATS URL: connect, then talk to the project's responders. */
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '../nats/connect-node.ts';
import { NatsTransport } from '../nats/client-transport.ts';
import { NatsBus } from '../nats/nats-bus.ts';
import type { NatsUrl } from '../nats/nats-url.ts';
import { Subjects } from '../nats/subjects.ts';
import type { SyncTransport } from '../sync/transport.ts';

export interface OpenTransport {
  transport: SyncTransport;
  close(): Promise<void>;
}

/**
 * How long a clone asks while the server says nobody listens for the project and nobody has
 * answered yet: a hub that serves no such project is told within seconds, not after the 30 s of
 * retries meant for a responder that went away in the middle (which still apply once one answered).
 */
export const CLONE_FIRST_CONTACT_MS = 3_000;

export async function openNatsTransport(url: NatsUrl, repoProjectCode: string | undefined, opts: { clone?: boolean } = {}): Promise<OpenTransport> {
  const code = url.projectCode ?? repoProjectCode;
  if (!code) throw new Error(`${url.canonical}: put the project code in the URL (nats://HOST:PORT/PROJECT-CODE)`);
  if (url.projectCode && repoProjectCode && url.projectCode !== repoProjectCode) {
    throw new Error(`${url.canonical} is project ${url.projectCode}, but the repository is ${repoProjectCode}`);
  }
  // Checked before connecting: an open connection would keep the process alive after the error.
  const subjects = new Subjects(code, url.prefix);
  // A CLI command should fail, not wait forever, when the server is not there.
  const nc: NatsConnection = await connectNats(url, { name: 'edgesync client', maxReconnectAttempts: 10 });
  const transport = new NatsTransport(new NatsBus(nc, url.auth.user), subjects, {
    peer: url.peer,
    timeoutMs: url.timeoutMs,
    ...(opts.clone ? { firstContactMs: CLONE_FIRST_CONTACT_MS } : {}),
    label: url.canonical.replace(/\/$/, '') + (url.projectCode ? '' : `/${code}`),
  });
  return { transport, close: () => nc.close() };
}
