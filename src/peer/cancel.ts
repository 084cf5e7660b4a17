/**
 * Stopping what waits: a promise raced with an AbortSignal (rejects `cancelled` when it fires)
 * or with a deadline, and a sync transport whose exchanges give up when the signal fires. What
 * was in flight is abandoned, not undone: a NATS request left behind ends by its own timeout,
 * and nobody is waiting for its reply any more.
 */
import { CodedError } from '../errors.ts';
import type { SyncTransport, WireMessage } from '../sync/transport.ts';

export function cancelledError(what = 'It'): CodedError {
  return new CodedError('cancelled', `${what} was cancelled`);
}

/** Throws `cancelled` when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw cancelledError(what);
}

/** `p`, unless the signal fires first: then a `cancelled` error. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(cancelledError(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(what));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** `p`, unless `ms` pass first: then the error `late()` makes. */
export function withDeadline<T>(p: Promise<T>, ms: number, late: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(late()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/** The transport, but every exchange fails `cancelled` once the signal fires (also one under way). */
export function cancellableTransport(t: SyncTransport, signal: AbortSignal, what?: string): SyncTransport {
  return {
    get label() {
      return t.label;
    },
    exchange(request: WireMessage): Promise<WireMessage> {
      if (signal.aborted) return Promise.reject(cancelledError(what));
      return raceSignal(t.exchange(request), signal, what);
    },
  };
}
