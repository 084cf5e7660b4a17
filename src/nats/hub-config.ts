/**
 * The nats-server configuration a hub runs with: client and WebSocket listeners (loopback by
 * default; with a certificate, TLS on both: `tls://` and `wss://`, else plain), max_payload
 * raised so fewer replies need parts, JetStream with its store under the hub's directory, and
 * one user per member with the subject permissions of its role (hub-permissions.ts).
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
}

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

export function hubConfigText(c: HubConfig): string {
  const lines = [
    '# Written by edgesync hub from members.json; regenerated on every start and member change.',
    `server_name: "edgesync-hub-${c.port}"`,
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
  return `${lines.join('\n')}\n`;
}
