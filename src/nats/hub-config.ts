/**
 * The nats-server configuration a hub runs with: client and WebSocket listeners (loopback by
 * default; with a certificate, TLS on both: `tls://` and `wss://`, else plain), max_payload
 * raised so fewer replies need parts, JetStream with its store under the hub's directory, and
 * one user per member with the subject permissions of its role (hub-permissions.ts).
 *
 * Past one machine it is nats-server's own machinery, nothing of ours: a hub can be one node of a
 * cluster (routes between nodes, JetStream clustered so streams can keep replicas on several
 * nodes), can accept other hubs as leafnodes, and can itself be a leafnode of an upstream hub (a
 * site under a regional hub). Routes authenticate with a secret every node of the cluster shares
 * (the hub member's password: the nodes share their members); leafnodes log in as a member whose
 * role is `hub` on the upstream side.
 */
import { permissionsFor, type Member } from './hub-permissions.ts';

export interface HubConfig {
  dir: string;
  host: string;
  port: number;
  wsPort: number;
  /** 0 = nats-server's default (1 MiB). */
  maxPayload: number;
  /** The users; revoked members are left out. */
  members: Member[];
  /** PEM certificate chain and key: TLS on the client and WebSocket ports. */
  tls?: { cert: string; key: string };
  prefix?: string;
  /** nats-server's name for this node (unique in a cluster; default from the client port). */
  serverName?: string;
  /** This node's part in a cluster. */
  cluster?: HubCluster;
  /** Accept leafnode connections (from site hubs) on this port, for members whose role is `hub`. */
  leafnodePort?: number;
  /** HOST:PORT site hubs are told to reach the leafnode port at (behind a proxy or NAT). */
  leafnodeAdvertise?: string;
  /** Join these upstream hubs as a leafnode: `nats-leaf://USER:PASSWORD@HOST:PORT` (`tls-leaf://` with TLS). */
  upstreams?: string[];
}

export interface HubCluster {
  name: string;
  /** Where this node listens for routes from the others. */
  port: number;
  /** The other nodes' route addresses, HOST:PORT. */
  routes: string[];
  /** Shared by every node: routes log in with it. */
  secret: string;
}

/** The user name routes between a cluster's nodes log in with. */
export const ROUTE_USER = 'edgesync-route';

/** 8 MiB: nats-server warns above this. */
export const HUB_MAX_PAYLOAD = 8 * 1024 * 1024;

/** A quoted string in nats-server's config syntax. */
function q(s: string): string {
  return JSON.stringify(s);
}

function list(items: string[]): string {
  return `[${items.map(q).join(', ')}]`;
}

function userBlock(m: Member, prefix: string | undefined): string {
  const p = permissionsFor(m, prefix);
  const head = `user: ${q(m.name)}, password: ${q(m.password)}`;
  if (!p) return `    { ${head} }`;
  return [
    `    { ${head}, permissions: {`,
    `        publish: { allow: ${list(p.publish)} }`,
    `        subscribe: { allow: ${list(p.subscribe)} }`,
    ...(p.allowResponses ? ['        allow_responses: true'] : []),
    '    } }',
  ].join('\n');
}

/** The `authorization` block: one user per member that is not revoked, with its permissions. */
export function authorizationText(members: readonly Member[], prefix?: string): string {
  const users = members.filter((m) => !m.revoked);
  return ['authorization {', '  users: [', ...users.map((m) => userBlock(m, prefix)), '  ]', '}'].join('\n');
}

/** The `cluster` block: where routes come in, and the routes to the other nodes. */
function clusterText(c: HubCluster, host: string): string {
  const auth = `${encodeURIComponent(ROUTE_USER)}:${encodeURIComponent(c.secret)}`;
  return [
    'cluster {',
    `  name: ${q(c.name)}`,
    `  listen: ${q(`${host}:${c.port}`)}`,
    `  authorization { user: ${q(ROUTE_USER)}, password: ${q(c.secret)} }`,
    `  routes: ${list(c.routes.map((r) => `nats-route://${auth}@${r}`))}`,
    '}',
  ].join('\n');
}

/** The `leafnodes` block: site hubs coming in (members whose role is hub) and upstreams going out. */
function leafnodesText(c: HubConfig): string | undefined {
  if (c.leafnodePort === undefined && !c.upstreams?.length) return undefined;
  const lines = ['leafnodes {'];
  if (c.leafnodePort !== undefined) {
    lines.push(`  listen: ${q(`${c.host}:${c.leafnodePort}`)}`);
    if (c.leafnodeAdvertise) lines.push(`  advertise: ${q(c.leafnodeAdvertise)}`);
    const hubs = c.members.filter((m) => m.role === 'hub' && !m.revoked);
    lines.push('  authorization {', '    users: [', ...hubs.map((m) => `      { user: ${q(m.name)}, password: ${q(m.password)} }`), '    ]', '  }');
    if (c.tls) lines.push(`  tls { cert_file: ${q(c.tls.cert)}, key_file: ${q(c.tls.key)} }`);
  }
  if (c.upstreams?.length) lines.push(`  remotes: [${c.upstreams.map((u) => `{ url: ${q(u)} }`).join(', ')}]`);
  lines.push('}');
  return lines.join('\n');
}

export function hubConfigText(c: HubConfig): string {
  const lines = [
    '# Written by edgesync hub from members.json; regenerated on every start and member change.',
    `server_name: ${q(c.serverName ?? `edgesync-hub-${c.port}`)}`,
    `listen: ${q(`${c.host}:${c.port}`)}`,
    `pid_file: ${q(`${c.dir}/nats-server.pid`)}`,
  ];
  if (c.maxPayload > 0) lines.push(`max_payload: ${c.maxPayload}`);
  lines.push(authorizationText(c.members, c.prefix));
  const tls = c.tls ? `tls { cert_file: ${q(c.tls.cert)}, key_file: ${q(c.tls.key)} }` : undefined;
  if (tls) lines.push(tls);
  lines.push(
    'websocket {',
    `  listen: ${q(`${c.host}:${c.wsPort}`)}`,
    tls ? `  ${tls}` : '  no_tls: true',
    '}',
    'jetstream {',
    `  store_dir: ${q(`${c.dir}/jetstream`)}`,
    '}',
  );
  if (c.cluster) lines.push(clusterText(c.cluster, c.host));
  const leaf = leafnodesText(c);
  if (leaf) lines.push(leaf);
  return `${lines.join('\n')}\n`;
}
