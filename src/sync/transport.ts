/**
 * The two ends of a sync exchange, independent of how bytes travel.
 *
 * A message on the wire is an HTTP body plus its Content-Type (which says whether the body is
 * the compressed envelope or plain card text). The client hands one request to its transport
 * and gets one reply back; the server turns one request into one reply, keeping no state
 * between requests. HTTP, an in-memory pipe or anything else is a thin adapter around these.
 */
import { CodedError, type ErrorCode } from '../errors.ts';

export interface WireMessage {
  /** `application/x-fossil`, `application/x-fossil-debug` or `application/x-fossil-uncompressed`. */
  contentType: string;
  body: Uint8Array;
  /**
   * Set by the client on its requests: a clone round (a transport that spreads requests over
   * several servers must keep a clone on one, since a clone counts that server's rids).
   */
  isClone?: boolean;
  /**
   * The body's card text, when the transport has decoded it already (the HTTP server inflates
   * a request as it arrives, within its limits); the server then does not decode the body.
   */
  text?: Uint8Array;
}

/** Client side: move one request to the server and bring its reply back. */
export interface SyncTransport {
  exchange(request: WireMessage): Promise<WireMessage>;
  /** Where the transport goes, for messages (never includes a password). */
  readonly label: string;
}

/** Facts about a request the server may record (rcvfrom.ipaddr). */
export interface RequestInfo {
  remoteAddress?: string;
}

/** Server side: answer one request. */
export interface XferService {
  handle(request: WireMessage, info?: RequestInfo): WireMessage | Promise<WireMessage>;
}

/** A transport or peer failure: no reply, an HTTP error status, a reply that is not a sync message. */
export class TransportError extends CodedError {
  override name = 'TransportError';
  constructor(
    message: string,
    /** HTTP status, when the failure was one. */
    readonly status?: number,
    /** The message bus's reason (BusErrorCode, e.g. `refused`: the hub's permissions), when a bus failed. */
    readonly busCode?: string,
    options: { code?: ErrorCode; cause?: unknown } = {},
  ) {
    super(options.code ?? transportCode(status, busCode), message, { cause: options.cause });
  }
}

/** Unless told otherwise, a transport failure means the peer could not be reached. */
function transportCode(status: number | undefined, busCode: string | undefined): ErrorCode {
  if (busCode === 'refused' || status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  return 'unreachable';
}
