/**
 * Where a hub stands among other hubs, from its command line: alone; one node of a nats-server
 * cluster (`--node NAME --cluster-port N --route HOST:PORT...`); accepting site hubs as leafnodes
 * (`--leafnode-port N`); a leafnode of upstream hubs (`--upstream nats-leaf://USER:PW@HOST:PORT`).
 *
 * A cluster's nodes share one hub directory: its members.json is every node's users (a member
 * added or revoked there reaches every node), and its hub member's password is the routes'
 * secret. Each node keeps its own nats-server config, pid file and JetStream store under
 * DIR/nodes/NAME.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import type { HubCluster } from '../nats/hub-config.ts';

export interface TopologyOptions {
  node?: unknown;
  'cluster-port'?: unknown;
  'cluster-name'?: unknown;
  route?: unknown;
  'leafnode-port'?: unknown;
  'leafnode-advertise'?: unknown;
  upstream?: unknown;
  'notify-replicas'?: unknown;
}

export interface HubTopology {
  /** Where this node's nats-server files live (the hub directory itself when alone). */
  nodeDir: string;
  serverName?: string;
  /** Without the secret, which comes from the members. */
  cluster?: Omit<HubCluster, 'secret'>;
  leafnodePort?: number;
  leafnodeAdvertise?: string;
  upstreams: string[];
  /** Replicas of the notify stream the hub makes (an existing stream is used as it is). */
  notifyReplicas: number;
}

function port(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`bad ${what} ${String(v)}`);
  return n;
}

function strings(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

export function hubTopology(dir: string, o: TopologyOptions): HubTopology {
  const node = o.node === undefined ? undefined : String(o.node);
  if (node !== undefined && !/^[a-z0-9][a-z0-9_-]{0,40}$/i.test(node)) throw new UsageError(`--node takes a short name (letters, digits, - and _), got ${node}`);
  const routes = strings(o.route);
  for (const r of routes) if (!/^[^\s/@]+:\d{1,5}$/.test(r)) throw new UsageError(`--route takes HOST:PORT (another node's --cluster-port), got ${r}`);
  let cluster: HubTopology['cluster'];
  if (o['cluster-port'] !== undefined) {
    if (node === undefined) throw new UsageError('a cluster node needs --node NAME (unique in the cluster)');
    cluster = { name: String(o['cluster-name'] ?? 'edgesync'), port: port(o['cluster-port'], '--cluster-port'), routes };
  } else if (routes.length || o['cluster-name'] !== undefined) {
    throw new UsageError('--route and --cluster-name need --cluster-port');
  }
  const advertise = o['leafnode-advertise'] === undefined ? undefined : String(o['leafnode-advertise']);
  if (advertise !== undefined && (o['leafnode-port'] === undefined || !/^[^\s/@]+:\d{1,5}$/.test(advertise))) {
    throw new UsageError('--leafnode-advertise takes HOST:PORT and goes with --leafnode-port');
  }
  const upstreams = strings(o.upstream);
  for (const u of upstreams) {
    if (!/^(nats-leaf|tls-leaf|nats|tls|ws|wss):\/\/[^\s]+$/.test(u)) throw new UsageError(`--upstream takes nats-leaf://USER:PASSWORD@HOST:PORT, got ${u}`);
  }
  // Three copies once the cluster has three nodes (this one and two routes); one otherwise.
  const notifyReplicas = o['notify-replicas'] === undefined ? (cluster && cluster.routes.length >= 2 ? 3 : 1) : Number(o['notify-replicas']);
  if (!Number.isInteger(notifyReplicas) || notifyReplicas < 1 || notifyReplicas > 5) throw new UsageError('--notify-replicas takes 1 to 5');
  return {
    nodeDir: node === undefined ? dir : join(dir, 'nodes', node),
    serverName: node,
    cluster,
    leafnodePort: o['leafnode-port'] === undefined ? undefined : port(o['leafnode-port'], '--leafnode-port'),
    leafnodeAdvertise: advertise,
    upstreams,
    notifyReplicas,
  };
}

const ENDPOINT_FILE = 'endpoint.json';

/**
 * Say where this node's WebSocket is, for the other nodes' share links (DIR/nodes/NAME/endpoint.json);
 * and read the WebSocket URLs of every node that said so, this node's first, comma-separated as
 * share links carry a cluster's.
 */
export function clusterWebSockets(dir: string, node: string | undefined, ownWs: string): { publish(): void; list(): string } {
  if (node === undefined) return { publish: () => undefined, list: () => ownWs };
  const nodes = join(dir, 'nodes');
  return {
    publish: () => writeFileSync(join(nodes, node, ENDPOINT_FILE), `${JSON.stringify({ ws: ownWs })}\n`),
    list() {
      const others: string[] = [];
      for (const name of existsSync(nodes) ? readdirSync(nodes).sort() : []) {
        if (name === node) continue;
        try {
          const ws = (JSON.parse(readFileSync(join(nodes, name, ENDPOINT_FILE), 'utf8')) as { ws?: unknown }).ws;
          if (typeof ws === 'string' && /^wss?:\/\/[^\s,]+$/.test(ws) && ws !== ownWs) others.push(ws);
        } catch {
          // A node that never said where it is.
        }
      }
      return [ownWs, ...others].join(',');
    },
  };
}
