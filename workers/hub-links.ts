/**
 * The worker's connections to hubs, one per hub URL and credentials, shared by every repository
 * synced there. A connection is attempted in the background and retried forever (the app works
 * offline meanwhile); its state goes to the UI as events.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNatsWeb } from '../src/nats/connect-web.ts';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import type { ConnectionEvent, ConnectionState } from '../src/peer/api-types.ts';
import { CodedError } from '../src/errors.ts';
import { raceSignal, withDeadline } from '../src/peer/cancel.ts';
import { errorReport, type ErrorReport } from '../src/peer/error-report.ts';

/** Where a link's state changes go (with the link, so the store can tell whose connection it is). */
type LinkEvents = (e: ConnectionEvent, link: HubLink) => void;

export class HubLink {
  state: ConnectionState = 'connecting';
  error: ErrorReport | undefined;
  private conn: Promise<NatsConnection>;
  private nc: NatsConnection | undefined;
  private closed = false;
  /** Calls waiting for the link to be connected (again). */
  private waiters: ((nc: NatsConnection) => void)[] = [];
  /** Ends the pause between two attempts at once (someone waits for the hub now). */
  private wake: (() => void) | undefined;

  constructor(
    readonly hub: string,
    private readonly auth: NatsAuth | undefined,
    private readonly emit: LinkEvents,
    /** The link's identity among the hub links (its hub and credentials). */
    readonly key: string,
  ) {
    this.conn = this.connect();
    // It rejects only when the link is closed, which nobody needs to hear about.
    this.conn.catch(() => undefined);
  }

  private set(state: ConnectionState, error?: ErrorReport): void {
    this.state = state;
    this.error = error;
    this.tell();
    if (state === 'connected' && this.nc) {
      const nc = this.nc;
      for (const w of this.waiters.splice(0)) w(nc);
    }
  }

  /** Its state, as an event. */
  tell(): void {
    this.emit({ type: 'connection', hub: this.hub, state: this.state, error: this.error?.message, code: this.error?.code }, this);
  }

  /** Runs fn once, the next time the hub is reached (after it was lost, or before it ever was). */
  onceBack(fn: () => void): void {
    this.waiters.push(() => fn());
  }

  private async connect(): Promise<NatsConnection> {
    this.set('connecting');
    // The first attempt fails fast so the UI can say so; later ones retry on their own.
    for (let attempt = 0; ; attempt++) {
      try {
        const nc = await connectNatsWeb(this.hub, { auth: this.auth, waitOnFirstConnect: false, timeoutMs: 5000 });
        if (this.closed) {
          await nc.close();
          throw new Error('closed');
        }
        this.nc = nc;
        this.set('connected');
        void this.watch(nc);
        return nc;
      } catch (e) {
        if (this.closed) throw e;
        // Whatever the client does not name otherwise, failing to connect is not reaching the hub.
        this.set('offline', errorReport(e, 'unreachable'));
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.min(5000, 500 * 2 ** Math.min(attempt, 4)));
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = undefined;
        if (this.closed) throw new Error('closed');
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.closed) return;
      if (s.type === 'disconnect') this.set('offline', { code: 'unreachable', message: 'Lost the hub; reconnecting…' });
      else if (s.type === 'reconnecting') this.set('reconnecting');
      else if (s.type === 'reconnect') this.set('connected');
    }
  }

  /**
   * The connection once it is up, now or after an attempt made at once; rejects after
   * `timeoutMs` (the link keeps trying in the background) or when `signal` fires. A connection
   * that was up and is lost counts as down: requests on it would only wait for their timeouts.
   */
  ready(timeoutMs = 8000, signal?: AbortSignal): Promise<NatsConnection> {
    if (this.nc && this.state === 'connected') return Promise.resolve(this.nc);
    if (this.closed) return Promise.reject(new CodedError('unreachable', `The link to ${this.hub} is closed`));
    const up = new Promise<NatsConnection>((resolve) => this.waiters.push(resolve));
    this.wake?.();
    const late = () => new CodedError(this.error?.code ?? 'unreachable', this.error?.message ?? `Cannot reach the hub at ${this.hub}`);
    return raceSignal(withDeadline(up, timeoutMs, late), signal, 'Connecting to the hub');
  }

  /** Runs fn once connected (now, or whenever the hub is reached). */
  whenConnected(fn: (nc: NatsConnection) => void): void {
    this.conn.then(fn, () => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiters = [];
    this.wake?.();
    await this.nc?.drain().catch(() => undefined);
  }
}

export class HubLinks {
  private readonly links = new Map<string, HubLink>();
  private emit: LinkEvents = () => undefined;

  /**
   * Where the links' events go from now on. A link dialled before (a clone's hub, while storage
   * opens) tells its present state at once, so nothing it said before is missed.
   */
  setEvents(emit: LinkEvents): void {
    this.emit = emit;
    for (const l of this.links.values()) l.tell();
  }

  /** One link per hub and credentials. */
  static keyOf(hub: string, auth?: NatsAuth): string {
    return `${hub} ${JSON.stringify(auth ?? {})}`;
  }

  get(hub: string, auth?: NatsAuth): HubLink {
    const key = HubLinks.keyOf(hub, auth);
    let l = this.links.get(key);
    if (!l) {
      l = new HubLink(hub, auth, (e, link) => this.emit(e, link), key);
      this.links.set(key, l);
    }
    return l;
  }

  /** Close and forget a link nothing uses any more (a clone that failed to reach its hub). */
  async release(hub: string, auth?: NatsAuth): Promise<void> {
    const key = HubLinks.keyOf(hub, auth);
    const l = this.links.get(key);
    if (!l) return;
    this.links.delete(key);
    await l.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
    this.links.clear();
  }
}
