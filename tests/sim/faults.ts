/**
 * Fault levels of the simulated network: per exchange, the chance of each kind of fault.
 * A level is a name plus these probabilities, so a failure message names what was running.
 */
export interface FaultLevel {
  name: 'none' | 'low' | 'high';
  /** The request never reaches the server. */
  dropRequest: number;
  /** The server handles the request, but its reply is lost. */
  dropReply: number;
  /** The server gets the request twice (the client sees one of the replies). */
  duplicate: number;
  /** The request arrives cut short. */
  truncateRequest: number;
  /** The reply arrives cut short. */
  truncateReply: number;
  /** A copy of the request is held back and delivered much later, out of order. */
  lateCopy: number;
  /** Most event-loop turns a message may be held up (interleaves concurrent syncs). */
  maxDelayTicks: number;
  /** Per step, the chance the network splits into two groups (or heals, when split). */
  partition: number;
}

export const FAULT_LEVELS: Record<FaultLevel['name'], FaultLevel> = {
  none: { name: 'none', dropRequest: 0, dropReply: 0, duplicate: 0, truncateRequest: 0, truncateReply: 0, lateCopy: 0, maxDelayTicks: 0, partition: 0 },
  low: { name: 'low', dropRequest: 0.03, dropReply: 0.03, duplicate: 0.03, truncateRequest: 0.02, truncateReply: 0.02, lateCopy: 0.03, maxDelayTicks: 3, partition: 0.05 },
  high: { name: 'high', dropRequest: 0.08, dropReply: 0.08, duplicate: 0.08, truncateRequest: 0.06, truncateReply: 0.06, lateCopy: 0.08, maxDelayTicks: 8, partition: 0.15 },
};
