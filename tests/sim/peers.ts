/**
 * The peers of a simulation and what they do: each is a repository on one of the Db adapters
 * with its own sync server. Some peers are trusted (their login holds capability x everywhere
 * it is trusted, and they sync private content with each other); the others must never see a
 * private artifact. Edits (check-ins, forks, merges, private check-ins, wiki pages, tags) are
 * drawn from the simulation's generator.
 */
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { addSymbolicTag } from '../../src/repo/authoring/tag.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import type { Adapter } from '../helpers/dbs.ts';
import type { Prng } from './prng.ts';

export const BOB = { user: 'bob', password: 'bobpw' };
export const CAROL = { user: 'carol', password: 'carolpw' };

export interface Peer {
  id: number;
  repo: Repository;
  /** Carol (capability x here) syncs private content with other trusted peers. */
  trusted: boolean;
  server: XferServer;
  /** A clone that has not finished yet: it only resumes its clone. */
  cloning: boolean;
}

/** Reply and request budgets small enough that syncs take several rounds. */
const DOWNLOAD_BUDGETS = [4_000, 30_000, 5_000_000];

export function setUsers(peer: Peer): void {
  const u = peer.repo.users;
  for (const [login, caps] of [[BOB, 'gio'], [CAROL, peer.trusted ? 'giox' : 'gio']] as const) {
    if (u.get(login.user)) {
      u.setPassword(login.user, login.password);
      u.setCaps(login.user, caps);
    } else {
      u.add(login.user, { password: login.password, caps });
    }
  }
}

export function makeServer(repo: Repository, rng: Prng): XferServer {
  return new XferServer(repo, { maxDownload: rng.pick(DOWNLOAD_BUDGETS) });
}

/** The first peer: a new repository with a first check-in. */
export async function firstPeer(adapter: Adapter, rng: Prng, clock: () => Date): Promise<Peer> {
  const repo = Repository.create(await adapter.open(), {
    crosslinker: crosslinkerFactory, adminUser: 'alice', projectName: 'simulation', date: clock(),
  });
  const peer: Peer = { id: 0, repo, trusted: true, server: makeServer(repo, rng), cloning: false };
  setUsers(peer);
  return peer;
}

/** Public leaves whose manifest and files are all here (a commit can start from them). */
export function usableLeaves(repo: Repository): number[] {
  const leaves = repo.db.prepare(
    `SELECT l.rid FROM leaf l WHERE l.rid NOT IN private AND l.rid IN (SELECT objid FROM event WHERE type='ci') ORDER BY l.rid`,
  ).column<number>();
  return leaves.filter((rid) => {
    try {
      return filesOfCheckin(repo, rid).every((f) => {
        const r = f.uuid ? repo.content.ridOf(f.uuid) : undefined;
        return r !== undefined && repo.content.isAvailable(r);
      });
    } catch {
      return false;
    }
  });
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'sync', 'peer', 'fossil', 'edge', 'hash', 'merge', 'leaf', 'tag'];

function text(rng: Prng, unique: string): string {
  const lines = [`# ${unique}`];
  const n = 3 + rng.int(30);
  for (let i = 0; i < n; i++) lines.push(`${rng.pick(WORDS)} ${rng.pick(WORDS)} ${i} ${rng.int(5)}`);
  return `${lines.join('\n')}\n`;
}

export interface EditContext {
  rng: Prng;
  clock: () => Date;
  /** Unique per edit in the run, so private content never equals public content by chance. */
  serial: () => string;
}

export type EditKind = 'commit' | 'private' | 'merge' | 'wiki' | 'tag';

/** One edit on a peer; returns what it did, or undefined when the peer had nothing to build on. */
export function edit(peer: Peer, kind: EditKind, ctx: EditContext): string | undefined {
  const { repo } = peer;
  const { rng } = ctx;
  const leaves = usableLeaves(repo);
  if (kind === 'wiki') {
    const title = rng.pick(['Home', 'Notes', 'Plans']);
    writeWikiPage(repo, { title, text: text(rng, `wiki ${ctx.serial()}`), user: 'bob', date: ctx.clock() });
    return `wiki ${title}`;
  }
  if (leaves.length === 0) return undefined;
  const parent = rng.pick(leaves);
  if (kind === 'tag') {
    addSymbolicTag(repo, parent, `t${rng.int(4)}`, 'bob', { date: ctx.clock() });
    return `tag on ${parent}`;
  }
  if (kind === 'private' && !peer.trusted) kind = 'commit';
  const files = new Map(filesOfCheckin(repo, parent).map((f) => [f.name, { name: f.name, uuid: f.uuid } as { name: string; uuid?: string; content?: Uint8Array }]));
  const names = [...files.keys()];
  const changes = 1 + rng.int(3);
  const serial = ctx.serial();
  for (let i = 0; i < changes; i++) {
    const name = kind === 'private'
      ? `private/${serial}-${i}.txt`
      : names.length > 0 && rng.chance(0.6) ? rng.pick(names) : `src/f${rng.int(12)}.txt`;
    files.set(name, { name, content: utf8(text(rng, `${name} ${serial}`)) });
  }
  const merges = kind === 'merge' ? leaves.filter((l) => l !== parent) : [];
  if (kind === 'merge' && merges.length === 0) kind = 'commit';
  const r = createCheckin(repo, {
    parent,
    merges: kind === 'merge' ? [rng.pick(merges)] : undefined,
    files: [...files.values()] as never,
    comment: `${kind} ${serial} on peer ${peer.id}`,
    user: 'bob',
    date: ctx.clock(),
    isPrivate: kind === 'private',
  });
  return `${kind} ${r.uuid.slice(0, 10)}`;
}
