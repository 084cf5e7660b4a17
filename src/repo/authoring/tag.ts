/** Tag changes on existing artifacts: a control artifact with one or more T cards. */
import type { Artifact, TagCard } from '../../fossil/artifact-types.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, checkTagName, dateCard } from './names.ts';

export interface TagChange {
  /** Check-in (or other artifact) the tag applies to. */
  target: number;
  /** Tag name as stored, e.g. `sym-v1.0`, `bgcolor`, `closed`, `comment`. */
  name: string;
  value?: string;
  /** '+' add, '*' add and propagate to descendants, '-' cancel. */
  op?: '+' | '*' | '-';
}

export function changeTags(repo: Repository, changes: TagChange[], user: string, date?: Date): { rid: number; uuid: string } {
  if (changes.length === 0) throw new AuthoringError('no tag change given');
  if (!user) throw new AuthoringError('a tag change needs a user');
  return repo.db.transaction(() => {
    const cards: TagCard[] = changes.map((c) => {
      checkTagName(c.name.replace(/^sym-/, ''));
      const target = repo.content.uuidOf(c.target);
      if (!target || repo.content.isPhantom(c.target)) throw new AuthoringError(`tag target ${c.target} is not in the repository`);
      const op = c.op ?? '+';
      return { op, name: c.name, target, value: op === '-' ? undefined : c.value };
    });
    const rank = { '*': 0, '+': 1, '-': 2 } as const;
    cards.sort((a, b) => (a.name === b.name ? rank[a.op] - rank[b.op] : (rank[a.op] - rank[b.op]) || (a.name < b.name ? -1 : 1)) || (a.target < b.target ? -1 : 1));
    const a: Artifact = {
      type: 'control', date: dateCard(date), tags: cards, user,
      files: [], fields: [], members: [], parents: [], cherrypicks: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid };
  });
}

/** `fossil tag add NAME CHECKIN`: a symbolic tag on one check-in. */
export function addSymbolicTag(repo: Repository, target: number, name: string, user: string, opts: { propagate?: boolean; value?: string; date?: Date } = {}) {
  checkTagName(name);
  return changeTags(repo, [{ target, name: `sym-${name}`, op: opts.propagate ? '*' : '+', value: opts.value }], user, opts.date);
}
