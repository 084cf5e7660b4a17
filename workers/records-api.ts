/**
 * The worker's `records` group: each reader of src/peer/records.ts (forum posts and technotes
 * to edit, attachments, ticket reports), called with a repository's local name.
 */
import * as Comlink from 'comlink';
import { recordReaders } from '../src/peer/records.ts';
import type { Group, RecordCalls } from '../src/peer/worker-api.ts';
import type { Repository } from '../src/repo/repository.ts';

export function recordsGroup(repoOf: (name: string) => Promise<Repository>): Group<RecordCalls> {
  const group = {} as Record<string, unknown>;
  for (const [k, fn] of Object.entries(recordReaders)) {
    group[k] = async (name: string, ...a: unknown[]) => (fn as (r: Repository, ...x: unknown[]) => unknown)(await repoOf(name), ...a);
  }
  return Comlink.proxy(group as RecordCalls);
}
