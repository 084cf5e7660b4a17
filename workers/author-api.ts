/**
 * The worker's `author` group: each write of src/peer/author.ts, called with a repository's local
 * name. This is the wiring around them: a write waits for the repository's write lock, is made as
 * the user this browser may write as, and what it made goes to the store's after-write step
 * (announce new check-ins, push to the hub when connected; offline the artifacts stay unsent
 * until the next sync).
 */
import * as Comlink from 'comlink';
import {
  commitDraft, deleteDraftFile, discardDraft, draftState, forksOf, readDraftFile, renameDraftFile, revertDraftFile, saveTicket,
  saveWiki, startDraft, startPoints, tagCheckin, ticketSource, ticketsToEdit, wikiSource, wikiTitles, writeDraftFiles,
} from '../src/peer/author.ts';
import { attachToTarget, postToForum, saveTechnote } from '../src/peer/author-records.ts';
import type { AuthorCalls, Group } from '../src/peer/worker-api.ts';
import type { LocalWrite } from '../src/mesh/local-write.ts';
import type { Repository } from '../src/repo/repository.ts';

/** What the group needs from the store: a repository by name, and the step after each write. */
export interface AuthorHost {
  repository(name: string): Repository;
  /**
   * Run a write on the repository when no sync session is in flight (their transaction spans
   * network waits; a write inside it would share its fate: write-lock.ts). The draft's edits.
   */
  write<T>(name: string, fn: (repo: Repository) => T): Promise<T>;
  /**
   * A write that makes an artifact, as the user this browser writes as (the fossil login when
   * there is one; throws when it may not write), through the one write path: the write and its
   * outbox entry in one transaction, then the after-write step (mesh/local-write.ts).
   */
  publish<T>(name: string, requestedUser: string, fn: (repo: Repository, user: string) => LocalWrite<T>): Promise<T>;
}

export function authorGroup(host: () => Promise<AuthorHost>): Group<AuthorCalls> {
  /** A read. */
  const read = async <T>(name: string, fn: (r: Repository) => T) => fn((await host()).repository(name));
  /** A change of the draft (no artifact yet). */
  const edit = async <T>(name: string, fn: (r: Repository) => T) => (await host()).write(name, fn);
  /** A write that makes an artifact, through the store's one write path (mesh/local-write.ts). */
  const publish = async <T>(name: string, requested: string, fn: (r: Repository, user: string) => LocalWrite<T>): Promise<T> =>
    (await host()).publish(name, requested, fn);
  return Comlink.proxy({
    startPoints: (name) => read(name, startPoints),
    draft: (name) => read(name, draftState),
    startDraft: (name, from) => edit(name, (r) => startDraft(r, from)),
    readFile: (name, file) => read(name, (r) => readDraftFile(r, file)),
    writeFile: (name, file, bytes) => edit(name, (r) => writeDraftFiles(r, [{ name: file, bytes }])),
    writeFiles: (name, files) => edit(name, (r) => writeDraftFiles(r, files)),
    deleteFile: (name, file) => edit(name, (r) => deleteDraftFile(r, file)),
    renameFile: (name, from, to) => edit(name, (r) => renameDraftFile(r, from, to)),
    revertFile: (name, file) => edit(name, (r) => revertDraftFile(r, file)),
    discard: (name) => edit(name, discardDraft),
    commit: (name, req) => publish(name, req.user, (r, user) => commitDraft(r, user, req)),
    forks: (name) => read(name, forksOf),
    wikiTitles: (name) => read(name, wikiTitles),
    wikiSource: (name, title) => read(name, (r) => wikiSource(r, title)),
    writeWiki: (name, page) => publish(name, page.user, (r, user) => saveWiki(r, user, page)),
    tickets: (name) => read(name, ticketsToEdit),
    ticket: (name, id) => read(name, (r) => ticketSource(r, id)),
    writeTicket: (name, change) => publish(name, change.user, (r, user) => saveTicket(r, user, change)),
    addTag: (name, req) => publish(name, req.user, (r, user) => tagCheckin(r, user, req)),
    postForum: (name, req) => publish(name, req.user, (r, user) => postToForum(r, user, req)),
    writeTechnote: (name, req) => publish(name, req.user, (r, user) => saveTechnote(r, user, req)),
    attach: (name, req) => publish(name, req.user, (r, user) => attachToTarget(r, user, req)),
  } satisfies AuthorCalls);
}
