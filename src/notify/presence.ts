/**
 * Who is online in a notify project: the mesh's presence protocol (src/nats/presence.ts) on the
 * project's own presence subject, so CLI watchers and browsers with the chat open see each other.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { Presence, type PresenceSelf } from '../nats/presence.ts';
import type { Subjects } from '../nats/subjects.ts';
import { presenceSubjects } from './subjects.ts';

export function notifyPresence(nc: NatsConnection, project: string, self: PresenceSelf | undefined, intervalMs?: number): Presence {
  // Presence reads only these two subject names from its Subjects; a project name is no project code.
  const subjects = presenceSubjects(project) as unknown as Subjects;
  return new Presence(nc, subjects, self, intervalMs);
}
