/**
 * The nats-server configuration a hub runs with: client and WebSocket listeners (loopback by
 * default; with a certificate, TLS on both: `tls://` and `wss://`, else plain), max_payload
 * raised so fewer replies need parts, JetStream with its store under the hub's directory, and
 * optional user/password or token auth.
 */
export interface HubConfig {
  dir: string;
  host: string;
  port: number;
  wsPort: number;
  /** 0 = nats-server's default (1 MiB). */
  maxPayload: number;
  user?: string;
  password?: string;
  token?: string;
  /** PEM certificate chain and key: TLS on the client and WebSocket ports. */
  tls?: { cert: string; key: string };
}

/** 8 MiB: nats-server warns above this. */
export const HUB_MAX_PAYLOAD = 8 * 1024 * 1024;

/** A quoted string in nats-server's config syntax. */
function q(s: string): string {
  return JSON.stringify(s);
}

export function hubConfigText(c: HubConfig): string {
  const lines = [
    '# Written by edgesync hub; regenerated on every start.',
    `server_name: "edgesync-hub-${c.port}"`,
    `listen: ${q(`${c.host}:${c.port}`)}`,
    `pid_file: ${q(`${c.dir}/nats-server.pid`)}`,
  ];
  if (c.maxPayload > 0) lines.push(`max_payload: ${c.maxPayload}`);
  if (c.user !== undefined) lines.push(`authorization { user: ${q(c.user)}, password: ${q(c.password ?? '')} }`);
  else if (c.token !== undefined) lines.push(`authorization { token: ${q(c.token)} }`);
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
