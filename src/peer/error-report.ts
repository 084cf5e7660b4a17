/**
 * Errors as the worker hands them to the UI: a code (what the UI says, errors.ts) and the
 * message (for the log, and shown as it is where the code says it was written for people).
 * Our own errors carry their code; the message bus and the NATS client name their failures,
 * which are translated here, so nothing above has to read an error's text.
 */
import { storageFailure } from '../db/storage-error.ts';
import { codeOf, type ErrorCode } from '../errors.ts';
import { BusError, type BusErrorCode } from '../mesh/bus.ts';

export interface ErrorReport {
  code: ErrorCode;
  message: string;
}

const BUS_CODES: Record<BusErrorCode, ErrorCode> = {
  'no-responders': 'no-peer',
  timeout: 'no-peer',
  refused: 'auth',
  closed: 'unreachable',
  failed: 'unreachable',
};

/** The NATS client's error classes, by the `name` each sets (@nats-io/nats-core errors.js). */
const NATS_CODES: Record<string, ErrorCode> = {
  AuthorizationError: 'auth',
  UserAuthenticationExpiredError: 'auth',
  PermissionViolationError: 'auth',
  ConnectionError: 'unreachable',
  ClosedConnectionError: 'unreachable',
  DrainingConnectionError: 'unreachable',
  TimeoutError: 'unreachable',
  NoResponders: 'no-peer',
};

/** The code of anything the worker caught; `fallback` for what nobody named (e.g. `unreachable` while connecting). */
export function errorCodeOf(e: unknown, fallback: ErrorCode = 'internal'): ErrorCode {
  const own = codeOf(e);
  if (own !== 'internal') return own;
  // The storage pool writes whole files into OPFS outside SQLite: its quota errors are storage failures too.
  if (storageFailure(e)) return 'local-storage';
  if (e instanceof BusError) return BUS_CODES[e.code];
  const name = e instanceof Error ? e.name : undefined;
  return (name !== undefined && Object.hasOwn(NATS_CODES, name) ? NATS_CODES[name] : undefined) ?? fallback;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function errorReport(e: unknown, fallback: ErrorCode = 'internal'): ErrorReport {
  return { code: errorCodeOf(e, fallback), message: errorMessage(e) };
}
