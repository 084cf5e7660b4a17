// Codes across the worker boundary: what the worker names (its own errors, the bus's, the NATS
// client's) and how a thrown error keeps its code through comlink to the page, where the UI
// words it by that code alone.
import { afterAll, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { StorageError } from '../../src/db/storage-error.ts';
import { CodedError } from '../../src/errors.ts';
import { BusError } from '../../src/mesh/bus.ts';
import { errorCodeOf, errorReport } from '../../src/peer/error-report.ts';
import { SyncError } from '../../src/sync/client-session.ts';
import { TransportError } from '../../src/sync/transport.ts';
import { ERROR_SENTENCES, errorText } from '../../src/ui/error-text.ts';
import { sendErrorCodes } from '../../workers/coded-throw.ts';

/** An error as the NATS client makes them: a class that sets its name. */
function natsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('error codes in the worker', () => {
  it('takes our own codes as they are', () => {
    expect(errorCodeOf(new StorageError('SQLITE_FULL', 'database or disk is full'))).toBe('local-storage');
    expect(errorCodeOf(new SyncError('server says: not authorized to write', 'not authorized to write'))).toBe('peer-refused');
    expect(errorCodeOf(new SyncError('server says: login failed', 'login failed'))).toBe('auth');
    expect(errorCodeOf(new SyncError('server says: server error: local storage failed: disk I/O error', 'server error: local storage failed: disk I/O error'))).toBe('peer-failed');
    expect(errorCodeOf(new SyncError('bad reply from x: junk'))).toBe('peer-bad-data');
    expect(errorCodeOf(new TransportError('nats x: no responders', undefined, undefined, { code: 'no-peer' }))).toBe('no-peer');
    expect(errorCodeOf(new TransportError('nats x: the hub does not let this user request y', undefined, 'refused'))).toBe('auth');
  });

  it('names what the bus and the NATS client report, and nothing by its text', () => {
    expect(errorCodeOf(new BusError('no-responders', 'no responder on a.b'))).toBe('no-peer');
    expect(errorCodeOf(new BusError('refused', 'the hub does not let this user request a.b'))).toBe('auth');
    expect(errorCodeOf(natsError('AuthorizationError', 'Authorization Violation'))).toBe('auth');
    expect(errorCodeOf(natsError('ConnectionError', 'failed to connect'))).toBe('unreachable');
    expect(errorCodeOf(new Error('Authorization Violation'))).toBe('internal');
    expect(errorCodeOf(new Error('failed to connect'), 'unreachable')).toBe('unreachable');
    expect(errorReport(natsError('NoResponders', '503'))).toEqual({ code: 'no-peer', message: '503' });
    // OPFS quota, met by the storage pool outside SQLite.
    expect(errorCodeOf(natsError('QuotaExceededError', 'The quota has been exceeded.'))).toBe('local-storage');
  });
});

describe('a thrown error crossing comlink', () => {
  const { port1, port2 } = new MessageChannel();
  afterAll(() => {
    port1.close();
    port2.close();
  });

  it('arrives with its code, and the page words it by that code', async () => {
    sendErrorCodes();
    const api = {
      pull(): void {
        throw new StorageError('SQLITE_FULL', 'database or disk is full', { cause: new Error('SQLITE_FULL') });
      },
      write(): void {
        throw new CodedError('conflict', 'This project is already here, as “demo”.');
      },
      plain(): void {
        throw new Error('not classified');
      },
    };
    Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<typeof api>(port2 as unknown as Comlink.Endpoint);

    const e = await remote.pull().then(() => undefined, (x: unknown) => x as Error & { code?: string });
    expect(e).toBeInstanceOf(Error);
    expect(e!.name).toBe('StorageError');
    expect(e!.code).toBe('local-storage');
    expect(errorText(e)).toBe(ERROR_SENTENCES['local-storage'](e!.message));

    const c = await remote.write().then(() => undefined, (x: unknown) => x as Error & { code?: string });
    expect(c!.code).toBe('conflict');
    expect(errorText(c)).toBe('This project is already here, as “demo”.');

    const p = await remote.plain().then(() => undefined, (x: unknown) => x as Error & { code?: string });
    expect(p!.code).toBe('internal');
    expect(errorText(p)).toBe('not classified');
  });
});
