/**
 * Making a check-in: store the new file contents, write the manifest exactly as fossil's
 * commit does (F cards sorted by name, P parents, R checksum, T cards for branches and tags),
 * store it and crosslink it, all in one transaction.
 *
 * As upstream does, a file's previous version is re-stored as a delta of its new version (when
 * that is smaller), so the newest content stays cheap to read and history costs only deltas.
 */
import type { Artifact, FileCard, TagCard } from '../../fossil/artifact-types.ts';
import { computeRCard } from '../../fossil/rcard.ts';
import { compareNames, filesOfCheckin, readCheckin } from '../checkin-files.ts';
import type { Repository } from '../repository.ts';
import { AuthoringError, checkFileName, checkTagName, dateCard } from './names.ts';
import { storeAuthoredArtifact } from './store.ts';
import { tipCheckin } from '../queries/resolve.ts';

export interface CheckinFile {
  name: string;
  /** New content. Leave out to keep the content named by uuid (e.g. unchanged from the parent). */
  content?: Uint8Array;
  uuid?: string;
  perm?: '' | 'x' | 'l';
  /** The file's name in the primary parent, when it was renamed. */
  oldName?: string;
}

export interface CheckinOptions {
  /** Primary parent (rid). Required unless the repository has no check-in yet. */
  parent?: number;
  /** Merge parents (rids), in order. */
  merges?: number[];
  /** The complete file list of the new check-in. */
  files: CheckinFile[];
  comment: string;
  user: string;
  /** Start a new branch with this name. */
  branch?: string;
  /** Colour of a new branch (propagating) or of this check-in alone. */
  bgcolor?: string;
  /** Symbolic tags to put on the check-in. */
  tags?: string[];
  /** Close the branch at this check-in. */
  close?: boolean;
  date?: Date;
  isPrivate?: boolean;
  /** Refuse a check-in whose files equal the parent's (fossil's "nothing has changed"). */
  refuseEmpty?: boolean;
}

export interface CheckinResult {
  rid: number;
  uuid: string;
  /** Files whose content was stored new by this check-in. */
  newFiles: number;
}

export function createCheckin(repo: Repository, given: CheckinOptions): CheckinResult {
  if (!given.user) throw new AuthoringError('a check-in needs a user');
  if (given.branch !== undefined) checkTagName(given.branch);
  for (const t of given.tags ?? []) checkTagName(t);
  return repo.db.transaction(() => {
    const opts = privateRules(repo, given);
    const { content } = repo;
    const parentFiles = new Map<string, FileCard>();
    let parentUuid: string | undefined;
    if (opts.parent !== undefined) {
      parentUuid = content.uuidOf(opts.parent);
      readCheckin(repo, opts.parent); // refuses a parent that is not a check-in
      for (const f of filesOfCheckin(repo, opts.parent)) parentFiles.set(f.name, f);
    } else if (repo.db.value("SELECT 1 FROM event WHERE type='ci' LIMIT 1")) {
      throw new AuthoringError('a parent check-in is required: the repository already has check-ins');
    }

    const seen = new Set<string>();
    const cards: FileCard[] = [];
    const contents: { name: string; content: Uint8Array }[] = [];
    const stored: number[] = [];
    for (const f of opts.files) {
      // A name the parent already has was fossil's to judge; only new names are checked here.
      if (!parentFiles.has(f.name)) checkFileName(f.name);
      if (seen.has(f.name)) throw new AuthoringError(`file ${JSON.stringify(f.name)} is listed twice`);
      seen.add(f.name);
      let uuid: string;
      let bytes: Uint8Array;
      if (f.content) {
        const r = content.put(f.content, { isPrivate: opts.isPrivate });
        uuid = content.uuidOf(r.rid)!;
        bytes = f.content;
        if (r.created) stored.push(r.rid);
      } else if (f.uuid) {
        const rid = content.ridOf(f.uuid);
        if (rid === undefined) throw new AuthoringError(`file ${JSON.stringify(f.name)}: unknown content ${f.uuid}`);
        uuid = f.uuid;
        bytes = content.get(rid);
      } else {
        throw new AuthoringError(`file ${JSON.stringify(f.name)} has neither content nor a hash`);
      }
      const prev = parentFiles.get(f.oldName ?? f.name);
      const card: FileCard = { name: f.name, uuid, perm: f.perm ?? '' };
      if (f.oldName && f.oldName !== f.name) {
        if (!prev) throw new AuthoringError(`renamed file ${JSON.stringify(f.oldName)} is not in the parent`);
        card.oldName = f.oldName;
      }
      cards.push(card);
      contents.push({ name: f.name, content: bytes });
      // Keep the newest version whole and store the previous one as a delta of it.
      if (prev?.uuid && prev.uuid !== uuid) {
        const prevRid = content.ridOf(prev.uuid);
        const newRid = content.ridOf(uuid)!;
        if (prevRid !== undefined && !content.isPhantom(prevRid)) content.deltify(prevRid, newRid);
      }
    }
    cards.sort((a, b) => compareNames(a.name, b.name));

    if (opts.refuseEmpty && parentUuid && opts.merges === undefined && sameFiles(cards, parentFiles) && !opts.branch && !opts.tags?.length && !opts.close) {
      throw new AuthoringError('nothing has changed');
    }

    const parents = parentUuid ? [parentUuid] : [];
    for (const m of opts.merges ?? []) {
      const u = content.uuidOf(m);
      if (!u) throw new AuthoringError(`merge parent ${m} does not exist`);
      readCheckin(repo, m);
      // A public check-in never names a private one: its content would never follow.
      if (!opts.isPrivate && content.isPrivate(m)) continue;
      if (u !== parentUuid && !parents.includes(u)) parents.push(u);
    }

    const manifest: Artifact = {
      type: 'manifest',
      comment: opts.comment,
      date: dateCard(opts.date),
      files: cards,
      parents,
      repoChecksum: computeRCard(contents),
      tags: checkinTags(repo, opts),
      user: opts.user,
      fields: [], members: [], cherrypicks: [],
    };
    for (const rid of stored) content.markUnsent(rid);
    const put = storeAuthoredArtifact(repo, manifest, { isPrivate: opts.isPrivate });
    if (!put.created) throw new AuthoringError('an identical check-in already exists');
    return { rid: put.rid, uuid: put.uuid, newFiles: stored.length };
  });
}

/** The colour fossil 2.21 gives a new private branch when none is asked for. */
export const PRIVATE_BRANCH_COLOR = '#fec084';

/**
 * Private check-ins as fossil's commit makes them: every descendant of a private check-in is
 * private too (a public one would name content that never syncs), and a private check-in on a
 * public parent starts a branch, `private` unless one is named, coloured unless a colour is given.
 */
function privateRules(repo: Repository, opts: CheckinOptions): CheckinOptions {
  const privateParent = opts.parent !== undefined && repo.content.isPrivate(opts.parent);
  if (!opts.isPrivate && !privateParent) return opts;
  const out: CheckinOptions = { ...opts, isPrivate: true };
  if (opts.isPrivate && !privateParent) {
    out.branch = opts.branch ?? 'private';
    out.bgcolor = opts.bgcolor ?? PRIVATE_BRANCH_COLOR;
  }
  return out;
}

function sameFiles(cards: FileCard[], parent: Map<string, FileCard>): boolean {
  if (cards.length !== parent.size) return false;
  return cards.every((c) => {
    const p = parent.get(c.name);
    return p !== undefined && p.uuid === c.uuid && p.perm === c.perm;
  });
}

/** T cards as fossil's commit writes them, in card order (op, then name). */
function checkinTags(repo: Repository, opts: CheckinOptions): TagCard[] {
  const tags: TagCard[] = [];
  let color = opts.bgcolor;
  if (opts.branch) {
    if (opts.bgcolor) {
      tags.push({ op: '*', name: 'bgcolor', target: '*', value: opts.bgcolor });
      color = undefined;
    }
    tags.push({ op: '*', name: 'branch', target: '*', value: opts.branch });
    tags.push({ op: '*', name: `sym-${opts.branch}`, target: '*' });
  }
  if (color) tags.push({ op: '+', name: 'bgcolor', target: '*', value: color });
  if (opts.close) tags.push({ op: '+', name: 'closed', target: '*' });
  for (const t of [...new Set(opts.tags ?? [])].sort()) tags.push({ op: '+', name: `sym-${t}`, target: '*' });
  if (opts.branch && opts.parent !== undefined) {
    // A new branch cancels the propagating symbolic tags (the old branch name) it inherits.
    const inherited = repo.db.prepare(
      `SELECT tagname FROM tagxref JOIN tag USING(tagid)
        WHERE tagxref.rid=? AND tagtype=2 AND tagname GLOB 'sym-*' AND tagname!=? ORDER BY tagname`,
    ).column<string>(opts.parent, `sym-${opts.branch}`);
    for (const name of inherited) tags.push({ op: '-', name, target: '*' });
  }
  const rank = { '*': 0, '+': 1, '-': 2 } as const;
  return tags.sort((a, b) => rank[a.op] - rank[b.op] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Text files put on top of the newest check-in, the rest of it kept (the overview's note form):
 * a check-in on whatever branch that check-in is on.
 */
export function checkinTextOnTip(repo: Repository, o: { files: { name: string; text: string }[]; comment: string; user: string; date?: Date }): CheckinResult {
  const parent = tipCheckin(repo.db);
  const enc = new TextEncoder();
  const list = new Map<string, CheckinFile>();
  if (parent !== undefined) for (const f of filesOfCheckin(repo, parent)) list.set(f.name, { name: f.name, uuid: f.uuid ?? undefined, perm: f.perm });
  for (const f of o.files) list.set(f.name, { name: f.name, content: enc.encode(f.text) });
  return createCheckin(repo, { parent, comment: o.comment, user: o.user, date: o.date, files: [...list.values()] });
}
