/**
 * The simulated network between two peers: a SyncTransport that hands requests to the other
 * peer's server handler in process, and on the way drops, duplicates, delays, truncates, or
 * holds back copies of messages, and refuses to connect across a partition. Every decision
 * comes from the simulation's generator, so a run replays exactly from its seed.
 */
import { TransportError, type SyncTransport, type WireMessage, type XferService } from '../../src/sync/transport.ts';
import type { FaultLevel } from './faults.ts';
import type { Prng } from './prng.ts';

/** A request held back to be delivered later (delay and reorder across sessions). */
export interface LateMessage {
  to: number;
  request: WireMessage;
}

export interface FaultCounts {
  exchanges: number;
  droppedRequests: number;
  droppedReplies: number;
  duplicated: number;
  truncatedRequests: number;
  truncatedReplies: number;
  heldBack: number;
  partitioned: number;
}

export const zeroFaultCounts = (): FaultCounts => ({
  exchanges: 0, droppedRequests: 0, droppedReplies: 0, duplicated: 0, truncatedRequests: 0, truncatedReplies: 0, heldBack: 0, partitioned: 0,
});

export interface Network {
  readonly level: FaultLevel;
  readonly rng: Prng;
  readonly counts: FaultCounts;
  readonly late: LateMessage[];
  /** Faults are on (they are switched off for the final convergence). */
  faulty: boolean;
  isPartitioned(a: number, b: number): boolean;
}

const copy = (m: WireMessage): WireMessage => ({ contentType: m.contentType, body: m.body.slice() });

/** Let other pending work run for a few turns, so concurrent sessions interleave. */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

export class FaultyTransport implements SyncTransport {
  readonly label: string;

  constructor(
    private readonly net: Network,
    private readonly from: number,
    private readonly to: number,
    private readonly server: XferService,
  ) {
    this.label = `peer ${to}`;
  }

  async exchange(request: WireMessage): Promise<WireMessage> {
    const { net } = this;
    const c = net.counts;
    c.exchanges++;
    if (!net.faulty) return copy(await this.server.handle(copy(request)));
    const { level, rng } = net;
    await ticks(rng.int(level.maxDelayTicks + 1));
    if (net.isPartitioned(this.from, this.to)) {
      c.partitioned++;
      throw new TransportError(`${this.label} is unreachable (partition)`);
    }
    if (rng.chance(level.dropRequest)) {
      c.droppedRequests++;
      throw new TransportError(`request to ${this.label} lost`);
    }
    let req = copy(request);
    if (rng.chance(level.lateCopy)) {
      c.heldBack++;
      net.late.push({ to: this.to, request: copy(req) });
    }
    if (rng.chance(level.truncateRequest)) {
      c.truncatedRequests++;
      req = { contentType: req.contentType, body: req.body.subarray(0, rng.int(req.body.length)) };
    }
    let reply = copy(await this.server.handle(req));
    if (rng.chance(level.duplicate)) {
      c.duplicated++;
      await ticks(rng.int(level.maxDelayTicks + 1));
      const again = copy(await this.server.handle(copy(req)));
      if (rng.chance(0.5)) reply = again;
    }
    await ticks(rng.int(level.maxDelayTicks + 1));
    if (rng.chance(level.dropReply)) {
      c.droppedReplies++;
      throw new TransportError(`reply from ${this.label} lost`);
    }
    if (rng.chance(level.truncateReply)) {
      c.truncatedReplies++;
      reply = { contentType: reply.contentType, body: reply.body.subarray(0, rng.int(reply.body.length)) };
    }
    return reply;
  }
}
