import { defineCommand } from '../command.ts';
import { UsageError } from '../args.ts';
import { bridgePeerId, FossilBridge } from '../../nats/bridge.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import { checkPeerId, checkPrefix, ownedPeerId } from '../../nats/subjects.ts';
import { NatsBus } from '../../nats/nats-bus.ts';
import { CardReader } from '../../sync/card-parser.ts';
import { CardWriter } from '../../sync/card-writer.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../../sync/envelope.ts';
import { VERSION_ARGS } from '../../sync/peer-version.ts';
import { parseSyncUrl } from '../../sync/sync-url.ts';
import { NodeHttpTransport } from '../../sync/transports/http-client-node.ts';
import { untilSignal } from '../leaf-serving.ts';

/** The project code a fossil server announces in reply to a first clone round. */
async function projectCodeOf(http: NodeHttpTransport): Promise<string> {
  const w = new CardWriter();
  w.pragma('client-version', ...VERSION_ARGS);
  // A seqno past every rid: the reply carries the project code and no artifacts.
  w.clone(3, 0x7fffffff);
  const reply = await http.exchange({ contentType: XFER_CONTENT_TYPE, body: encodeBody(w.finish(), XFER_CONTENT_TYPE) });
  const reader = new CardReader(decodeBody(reply.body, reply.contentType).text);
  for (let c = reader.next(); c !== undefined; c = reader.next()) if (c.kind === 'push') return c.projectCode;
  throw new Error(`${http.label} did not tell its project code: give --project`);
}

export const bridgeCommand = defineCommand({
  name: 'bridge',
  summary: 'put a stock fossil server on the NATS mesh',
  usage: 'bridge --nats URL --fossil URL [--project CODE] [--peer-id ID] [-v]',
  description: [
    'Answers fossil.<project-code>.sync by forwarding each request to the fossil server\'s HTTP /xfer',
    '(re-framing clone replies as the compressed envelope NATS peers expect), and announces new',
    'artifacts that show up on the fossil server so leaves pull them at once.',
  ].join('\n'),
  options: [
    { name: 'nats', type: 'string', value: 'URL', help: 'the NATS server (nats://, tls://, ws://, wss://)' },
    { name: 'fossil', type: 'string', value: 'URL', help: 'the fossil server, http(s)://HOST:PORT/PATH' },
    { name: 'project', type: 'string', value: 'CODE', help: 'project code (default: asked from the fossil server)' },
    { name: 'peer-id', type: 'string', value: 'ID', help: 'this bridge\'s peer id (default: from the fossil URL)' },
    { name: 'poll', type: 'number', value: 'SECONDS', help: 'look for new artifacts on the fossil server this often (default 2, 0 = never)' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log what the bridge does' },
  ],
  async run({ args, stdout }) {
    const o = args.options;
    if (!o.nats || !o.fossil) throw new UsageError('give --nats URL and --fossil URL');
    const natsUrl = parseNatsUrl(String(o.nats));
    const fossilUrl = parseSyncUrl(String(o.fossil));
    const http = new NodeHttpTransport(fossilUrl);
    const project = o.project?.toLowerCase() ?? natsUrl.projectCode ?? (await projectCodeOf(http));
    const given = o['peer-id'] !== undefined ? checkPeerId(String(o['peer-id'])) : undefined;
    checkPrefix(natsUrl.prefix);
    const nc = await connectNats(natsUrl, { name: 'edgesync bridge', waitOnFirstConnect: true });
    const bus = new NatsBus(nc, natsUrl.auth.user);
    const peerId = given ?? ownedPeerId(bus.user, bridgePeerId(fossilUrl.canonical));
    const bridge = new FossilBridge(bus, http, project, {
      peerId,
      prefix: natsUrl.prefix,
      pollMs: o.poll === undefined ? undefined : Number(o.poll) * 1000,
      log: o.verbose ? stdout : undefined,
    });
    await bridge.start();
    stdout(`bridging ${fossilUrl.canonical} (project ${project}) to ${natsUrl.canonical} as peer ${peerId}`);
    await untilSignal();
    bridge.stop();
    await nc.drain().catch(() => undefined);
  },
});
