/**
 * The NATS wire, as EdgeSync peers speak it, and our extensions to it.
 *
 * Compatible core (the Go EdgeSync peers):
 *   <prefix>.<project-code>.sync          request/reply, responders in queue group `sync-<project-code>`
 *   <prefix>.<project-code>.sync.<peer>   request/reply to one named responder
 *   <prefix>.<project-code>.commit        JSON {"rid": N, "uuid": "<hash>", "peer_id": "<peer>"}
 * Request and reply bodies are always the compressed envelope of fossil's `application/x-fossil`
 * (4-byte big-endian size + zlib stream of card text), even for clone, since NATS carries no
 * content type. An empty reply body means the responder failed.
 *
 * Extensions (all optional; an old peer never sees anything it does not expect):
 *
 * 1. Negotiation. Our clients send the header `Edgesync-Ext: 1` on every sync request, and
 *    `Edgesync-Max-Payload: N`, the max_payload of their own connection. Our responders put
 *    `Edgesync-Peer: <peer-id>` on every reply, so a client knows it may send follow-ups to
 *    `<prefix>.<project-code>.sync.<peer-id>`. Without `Edgesync-Ext` the responder behaves like
 *    a Go peer expects: a single message under max_payload, nothing else.
 *
 * 2. Reply budget. A responder answers within min(its max_payload, the client's) minus 4 KiB for
 *    headers. It gives the sync engine a content budget of 3/4 of that; a reply that still comes
 *    out too large (one big artifact) is, for an old client, recomputed with the smallest budget
 *    (one artifact per reply) and, if that artifact alone is too large, replaced by
 *    `error artifact\s<hash>\sis\s<n>\sbytes,\sover\sthe\sNATS\smax_payload\sof\s<m>`.
 *
 * 3. Chunked replies (only to clients that sent `Edgesync-Ext`). The first reply message carries
 *    `Edgesync-Parts: <n>` and `Edgesync-Reply: <id>` (16 hex) and the first part of the body;
 *    the client gets parts 1..n-1 by requesting `<prefix>.<code>.sync.<peer>` with an empty body
 *    and `Edgesync-Fetch: <id> <i>`. The responder keeps a chunked reply for 60 s. A fetch it
 *    cannot answer gets `Edgesync-Error: gone` and the client repeats the whole request (the
 *    sync engine's requests are stateless and idempotent on the server).
 *
 * 4. Chunked requests (a push of an artifact larger than max_payload). The client first needs a
 *    peer id: from an earlier reply, or from a probe request whose body is only
 *    `pragma client-version …` (a valid request every fossil peer answers). It then sends parts
 *    0..n-1 to `<prefix>.<code>.sync.<peer>` with the header `Edgesync-Upload: <id> <i> <n>`; parts before the last are answered with an empty body and
 *    `Edgesync-Ack: <i>`, the last with the reply to the whole request. A responder that does not
 *    answer with `Edgesync-Peer` cannot take it, and the client fails naming the artifact.
 *
 * 5. Commit announcements. Every serving peer publishes the `.commit` JSON above for each
 *    check-in it accepts (local commit, a write to its file by another process, push, pull), and
 *    listens there: an announcement of a check-in it lacks makes it pull from
 *    `.sync.<peer_id>` at once. A peer never re-announces what it already had, so
 *    announcements stop once everyone has the check-in. We add the optional field
 *    `"name": "<display name>"`; readers ignore fields they do not know.
 *
 * 6. Presence. `<prefix>.<project-code>.presence`, JSON
 *    {"peer_id", "name", "kind": "browser"|"leaf"|"hub"|"bridge", "serves": ["<project-code>"],
 *     "interval_ms": N, "state": "online"|"offline", "ts": "<RFC 3339>"}
 *    published on start, on every reconnect and every interval_ms (default 10 s); `offline` on a
 *    clean stop. Listeners drop a peer not heard from for 3 intervals. A request with an empty
 *    body on `<prefix>.<project-code>.presence.query` makes every peer publish at once.
 */

export const DEFAULT_PREFIX = 'fossil';

export const HDR_EXT = 'Edgesync-Ext';
export const HDR_MAX_PAYLOAD = 'Edgesync-Max-Payload';
export const HDR_PEER = 'Edgesync-Peer';
export const HDR_PARTS = 'Edgesync-Parts';
export const HDR_REPLY = 'Edgesync-Reply';
export const HDR_FETCH = 'Edgesync-Fetch';
export const HDR_UPLOAD = 'Edgesync-Upload';
export const HDR_ACK = 'Edgesync-Ack';
export const HDR_ERROR = 'Edgesync-Error';

export const EXT_VERSION = '1';

/** Room left in every message for headers. */
export const HEADER_ROOM = 4096;

/** How long a responder keeps a chunked reply or a partial upload. */
export const PARTS_TTL_MS = 60_000;

/** Timeout of one request, as the Go peers use. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** `.commit` body. */
export interface CommitAnnouncement {
  rid: number;
  uuid: string;
  peer_id: string;
  name?: string;
}

export type PeerKind = 'browser' | 'leaf' | 'hub' | 'bridge';

/** `.presence` body. */
export interface PresenceAnnouncement {
  peer_id: string;
  name: string;
  kind: PeerKind;
  serves: string[];
  interval_ms: number;
  state: 'online' | 'offline';
  ts: string;
}

/** The largest message body that fits a connection, header room kept free. */
export function bodyLimit(maxPayload: number): number {
  return Math.max(1024, maxPayload - HEADER_ROOM);
}
