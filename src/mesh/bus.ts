/**
 * The message bus the mesh runs on: the few NATS operations the agent, the sync responder, the
 * NATS sync transport and presence use (publish, subscribe with queue groups, request/reply with
 * headers, the connection's max_payload and its status). NATS is one implementation
 * (src/nats/nats-bus.ts); tests/sim has an in-memory one with the same subject permissions as
 * the hub, driven by a virtual clock.
 */

/** Header names and values of a received message (our headers: exact names). */
export interface BusHeaders {
  get(name: string): string | undefined;
}

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers?: BusHeaders;
  /** Where the answer goes (a requester's inbox), when the message is a request. */
  replyTo?: string;
  /** Answer a request; false when the message was no request. */
  respond(data: Uint8Array, headers?: Record<string, string>): boolean;
}

export interface BusSubscription {
  unsubscribe(): void;
  /** Set once the server refused the subscription (a permission violation); known after flush(). */
  readonly refusal: Error | undefined;
}

export type BusErrorCode = 'no-responders' | 'timeout' | 'refused' | 'closed' | 'failed';

/** Why a request got no answer. */
export class BusError extends Error {
  override name = 'BusError';
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type BusStatus = 'disconnect' | 'reconnect';

export interface MeshBus {
  publish(subject: string, data: Uint8Array): void;
  subscribe(subject: string, onMessage: (m: BusMessage) => void, opts?: { queue?: string }): BusSubscription;
  request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<BusMessage>;
  /** Resolves once the server has seen everything sent so far (and answered refusals). */
  flush(): Promise<void>;
  /** The largest message the server takes (it may change after a reconnect). */
  readonly maxPayload: number;
  /** The NATS user this connection authenticated as, when it used one. */
  readonly user: string | undefined;
  /** Calls fn on every disconnect and reconnect; returns the function that stops that. */
  onStatus(fn: (s: BusStatus) => void): () => void;
  isClosed(): boolean;
}

/** A header set from a plain object (what a bus implementation receives). */
export function headersOf(record: Record<string, string> | undefined): BusHeaders | undefined {
  if (!record) return undefined;
  return { get: (name) => record[name] };
}
