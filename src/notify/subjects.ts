/**
 * Notify subjects: messages on `notify.<project>.<thread8>` (as the Go peers publish them), kept
 * by one JetStream stream over `notify.>`. Presence for a notify project goes on its own subject
 * outside `notify.>`, so the stream never stores it.
 */
import { checkProject, threadShort } from './message.ts';

export const NOTIFY_ROOT = 'notify';
export const NOTIFY_STREAM = 'NOTIFY';

export function messageSubject(project: string, thread: string): string {
  const t = threadShort(thread);
  if (!/^[A-Za-z0-9_-]{1,8}$/.test(t)) throw new Error(`not a thread id: ${JSON.stringify(thread)}`);
  return `${NOTIFY_ROOT}.${checkProject(project)}.${t}`;
}

/** Every thread of a project, or one thread (by its id or its first 8 hex). */
export function filterSubject(project: string, thread?: string): string {
  return thread ? messageSubject(project, thread) : `${NOTIFY_ROOT}.${checkProject(project)}.*`;
}

export function presenceSubjects(project: string): { presence: string; presenceQuery: string } {
  const base = `edgesync.notify-presence.${checkProject(project)}`;
  return { presence: base, presenceQuery: `${base}.query` };
}
