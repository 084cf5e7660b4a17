/**
 * Presence (wire.ts 6): who is online for a project. Each peer announces itself on start, on
 * every reconnect and every interval, and says goodbye on a clean stop; listeners forget peers
 * silent for three intervals.
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Subjects } from './subjects.ts';
import type { PeerKind, PresenceAnnouncement } from './wire.ts';

export const DEFAULT_PRESENCE_INTERVAL_MS = 10_000;

export interface PresenceSelf {
  peerId: string;
  name: string;
  kind: PeerKind;
  serves: string[];
}

export interface SeenPeer extends PresenceAnnouncement {
  /** Epoch ms of the last announcement heard. */
  seen: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function parsePresence(data: Uint8Array): PresenceAnnouncement | undefined {
  try {
    const v = JSON.parse(dec.decode(data)) as Partial<PresenceAnnouncement>;
    if (typeof v.peer_id !== 'string' || !v.peer_id) return undefined;
    return {
      peer_id: v.peer_id,
      name: typeof v.name === 'string' ? v.name : v.peer_id,
      kind: (['browser', 'leaf', 'hub', 'bridge'] as const).find((k) => k === v.kind) ?? 'leaf',
      serves: Array.isArray(v.serves) ? v.serves.filter((s): s is string => typeof s === 'string') : [],
      interval_ms: typeof v.interval_ms === 'number' && v.interval_ms > 0 ? v.interval_ms : DEFAULT_PRESENCE_INTERVAL_MS,
      state: v.state === 'offline' ? 'offline' : 'online',
      ts: typeof v.ts === 'string' ? v.ts : new Date().toISOString(),
    };
  } catch {
    return undefined;
  }
}

export class Presence {
  private readonly seen = new Map<string, SeenPeer>();
  private readonly subs: Subscription[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    /** Undefined for a listener that does not announce itself. */
    private readonly self: PresenceSelf | undefined,
    private readonly intervalMs = DEFAULT_PRESENCE_INTERVAL_MS,
  ) {}

  start(): void {
    this.subs.push(
      this.nc.subscribe(this.subjects.presence, {
        callback: (err, m) => {
          if (err) return;
          const p = parsePresence(m.data);
          if (!p || p.peer_id === this.self?.peerId) return;
          if (p.state === 'offline') this.seen.delete(p.peer_id);
          else this.seen.set(p.peer_id, { ...p, seen: Date.now() });
        },
      }),
    );
    if (this.self) {
      this.subs.push(this.nc.subscribe(this.subjects.presenceQuery, { callback: () => this.announce('online') }));
      this.timer = setInterval(() => this.announce('online'), this.intervalMs);
      this.timer.unref?.();
      this.announce('online');
    }
    this.query();
  }

  /** Ask every peer to announce itself now (after a start or a reconnect). */
  query(): void {
    this.nc.publish(this.subjects.presenceQuery, new Uint8Array(0));
  }

  announce(state: 'online' | 'offline'): void {
    if (!this.self || this.nc.isClosed()) return;
    const body: PresenceAnnouncement = {
      peer_id: this.self.peerId,
      name: this.self.name,
      kind: this.self.kind,
      serves: this.self.serves,
      interval_ms: this.intervalMs,
      state,
      ts: new Date().toISOString(),
    };
    this.nc.publish(this.subjects.presence, enc.encode(JSON.stringify(body)));
  }

  /** Peers heard from within three of their intervals. */
  peers(): SeenPeer[] {
    const now = Date.now();
    for (const [id, p] of this.seen) if (now - p.seen > 3 * p.interval_ms) this.seen.delete(id);
    return [...this.seen.values()];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.announce('offline');
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
