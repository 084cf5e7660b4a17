/**
 * Presence (wire.ts 6): who is online for a project. Each peer announces itself on start, on
 * every reconnect and every interval, and says goodbye on a clean stop; listeners forget peers
 * silent for three intervals. A repository's presence goes on a subject under the peer's own id,
 * which a hub binds to the peer's NATS user, and listeners drop an announcement whose body names
 * another peer than its subject: nobody shows up as somebody else.
 */
import type { BusSubscription, MeshBus } from '../mesh/bus.ts';
import { realClock, type Clock } from '../mesh/clock.ts';
import type { PeerKind, PresenceAnnouncement } from './wire.ts';

export const DEFAULT_PRESENCE_INTERVAL_MS = 10_000;

/** Where presence goes: Subjects for a repository; notify has its own (src/notify/subjects.ts). */
export interface PresenceSubjects {
  presenceOf(peerId: string): string;
  /** What a listener subscribes to. */
  readonly presenceAll: string;
  /**
   * The peer id a received subject belongs to (the body must name the same), or undefined when
   * the subject is not a presence announcement; null when these subjects do not bind ids.
   */
  presencePeer(subject: string): string | undefined | null;
  readonly presenceQuery: string;
}

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

export function parsePresence(data: Uint8Array, now = Date.now()): PresenceAnnouncement | undefined {
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
      ts: typeof v.ts === 'string' ? v.ts : new Date(now).toISOString(),
    };
  } catch {
    return undefined;
  }
}

export class Presence {
  private readonly seen = new Map<string, SeenPeer>();
  private readonly subs: BusSubscription[] = [];
  private cancelTimer: (() => void) | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly bus: MeshBus,
    private readonly subjects: PresenceSubjects,
    /** Undefined for a listener that does not announce itself. */
    private self: PresenceSelf | undefined,
    private readonly intervalMs = DEFAULT_PRESENCE_INTERVAL_MS,
    clock: Clock = realClock,
  ) {
    this.clock = clock;
  }

  start(): void {
    this.subs.push(
      this.bus.subscribe(this.subjects.presenceAll, (m) => {
        const bound = this.subjects.presencePeer(m.subject);
        if (bound === undefined) return;
        const p = parsePresence(m.data, this.clock.now());
        if (!p || p.peer_id === this.self?.peerId) return;
        if (bound !== null && bound !== p.peer_id) return;
        if (p.state === 'offline') this.seen.delete(p.peer_id);
        else this.seen.set(p.peer_id, { ...p, seen: this.clock.now() });
      }),
    );
    if (this.self) {
      this.subs.push(this.bus.subscribe(this.subjects.presenceQuery, () => this.announce('online')));
      this.cancelTimer = this.clock.setInterval(() => this.announce('online'), this.intervalMs);
      this.announce('online');
    }
    this.query();
  }

  /** What this peer serves (an agent learns it once the hub has let it answer, or not). */
  setServes(serves: string[]): void {
    if (this.self) this.self = { ...this.self, serves };
  }

  /** Ask every peer to announce itself now (after a start or a reconnect). */
  query(): void {
    this.bus.publish(this.subjects.presenceQuery, new Uint8Array(0));
  }

  announce(state: 'online' | 'offline'): void {
    if (!this.self || this.bus.isClosed()) return;
    const body: PresenceAnnouncement = {
      peer_id: this.self.peerId,
      name: this.self.name,
      kind: this.self.kind,
      serves: this.self.serves,
      interval_ms: this.intervalMs,
      state,
      ts: new Date(this.clock.now()).toISOString(),
    };
    this.bus.publish(this.subjects.presenceOf(this.self.peerId), enc.encode(JSON.stringify(body)));
  }

  /** Peers heard from within three of their intervals. */
  peers(): SeenPeer[] {
    const now = this.clock.now();
    for (const [id, p] of this.seen) if (now - p.seen > 3 * p.interval_ms) this.seen.delete(id);
    return [...this.seen.values()];
  }

  stop(): void {
    this.cancelTimer?.();
    this.announce('offline');
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
