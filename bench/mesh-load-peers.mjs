// One process of bench/mesh-load.mjs: hosts many peers, each the same MeshAgent the browser
// and the CLI run (from the built dist/), each with its own repository file and its own NATS
// connection over WebSocket (as a browser's). Driven over IPC by the bench:
//   start {peers: [{id, repo, url}]}  -> ready
//   commit {peer, n}                  -> committed {peer, uuid, at}
//   stop                              -> stopped
// and reports every check-in a peer gains from elsewhere: arrived {peer, uuids, at}, and every
// failed sync: failed {peer, line}.
import { connectNats } from '../dist/nats/connect-node.js';
import { parseNatsUrl } from '../dist/nats/nats-url.js';
import { NatsBus } from '../dist/nats/nats-bus.js';
import { MeshAgent } from '../dist/mesh/agent.js';
import { openRepoFile } from '../dist/repo/node-files.js';
import { crosslinkerFactory } from '../dist/repo/crosslink/factory.js';
import { createCheckin } from '../dist/repo/authoring/checkin.js';
import { tipCheckin } from '../dist/repo/queries/resolve.js';
import { installNodePlatform } from '../dist/platform/node.js';

installNodePlatform();
const peers = new Map();
const send = (m) => process.send?.(m);

async function startPeer({ id, repo: path, url }) {
  const repo = openRepoFile(path, { crosslinker: crosslinkerFactory });
  const u = parseNatsUrl(url);
  const nc = await connectNats(u, { name: `load ${id}`, waitOnFirstConnect: true });
  const agent = new MeshAgent(new NatsBus(nc, u.auth.user), repo, {
    peerId: id,
    name: id,
    kind: 'leaf',
    safetySyncMs: 0,
    hooks: {
      checkins: (uuids, source) => {
        if (source === 'remote') send({ type: 'arrived', peer: id, uuids, at: Date.now() });
      },
      log: (line) => {
        if (/failed/.test(line)) send({ type: 'failed', peer: id, line });
      },
    },
  });
  await agent.start();
  peers.set(id, { repo, agent, nc });
}

function commit(id, n) {
  const p = peers.get(id);
  const parent = tipCheckin(p.repo.db);
  const enc = new TextEncoder();
  const c = createCheckin(p.repo, {
    parent, comment: `load ${id} #${n}`, user: 'load',
    files: [{ name: `from-${id}-${n}.txt`, content: enc.encode(`${id} wrote ${n}\n`) }],
  });
  const at = Date.now();
  // A write made here: announced (and carried) at once, as a leaf does for its file's changes.
  p.agent.checkNew();
  return { uuid: c.uuid, at };
}

process.on('message', async (m) => {
  try {
    if (m.type === 'start') {
      // A few at a time: hundreds of WebSocket handshakes at once only measure the handshakes.
      for (let i = 0; i < m.peers.length; i += 10) await Promise.all(m.peers.slice(i, i + 10).map(startPeer));
      send({ type: 'ready', count: peers.size });
    } else if (m.type === 'commit') {
      const r = commit(m.peer, m.n);
      send({ type: 'committed', peer: m.peer, n: m.n, ...r });
    } else if (m.type === 'stop') {
      for (const p of peers.values()) {
        await p.agent.stop();
        await p.nc.close().catch(() => undefined);
        p.repo.db.close();
      }
      send({ type: 'stopped' });
      process.exit(0);
    }
  } catch (e) {
    send({ type: 'error', message: e.stack ?? String(e) });
  }
});
