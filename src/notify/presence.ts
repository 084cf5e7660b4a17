/**
 * Who is online in a notify project: the mesh's presence protocol (src/nats/presence.ts) on the
 * project's own presence subject, so CLI watchers and browsers with the chat open see each other.
 * Notify names its senders in the message body only (the Go message shape), so its presence does
 * not bind ids to subjects either.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { Presence, type PresenceSelf } from '../nats/presence.ts';
import { NatsBus } from '../nats/nats-bus.ts';
import { presenceSubjects } from './subjects.ts';

export function notifyPresence(nc: NatsConnection, project: string, self: PresenceSelf | undefined, intervalMs?: number): Presence {
  const s = presenceSubjects(project);
  return new Presence(new NatsBus(nc), {
    presenceOf: () => s.presence,
    presenceAll: s.presence,
    presencePeer: (subject) => (subject === s.presence ? null : undefined),
    presenceQuery: s.presenceQuery,
  }, self, intervalMs);
}
