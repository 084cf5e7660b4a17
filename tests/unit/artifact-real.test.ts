/**
 * Every blob of a repository written by the real fossil: the artifacts are recognised with the
 * type fossil gives them, print back byte for byte, and plain files are not taken for artifacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArtifact, printArtifact, tryParseArtifact } from '../../src/fossil/artifact.ts';
import type { Artifact, ArtifactType, FileCard } from '../../src/fossil/artifact-types.ts';
import { computeRCard } from '../../src/fossil/rcard.ts';
import { haveTool } from '../helpers/tools.ts';
import { buildArtifactZoo, describeArtifacts, fossilAccepts, readAllBlobs, type StoredBlob, type Zoo } from '../helpers/artifact-zoo.ts';
import { expectSameBytes } from '../helpers/bytes-expect.ts';

const hasFossil = haveTool('fossil');

/** test-describe-artifacts wording -> our type; null = plain content. */
const DESCRIPTION_TYPES: Record<string, ArtifactType | null> = {
  'check-in': 'manifest',
  tag: 'control',
  wiki: 'wiki',
  event: 'technote',
  ticket: 'ticket',
  'attachment-control': 'attachment',
  cluster: 'cluster',
  'forum-post': 'forum',
  'forum-reply-to': 'forum',
  'forum-edit': 'forum',
  file: null,
  attachment: null,
  // Artifacts that no derived table points at any more (a tag later cancelled, for instance) are
  // only described by what refers to them; for those only fossil's parser verdict is checked.
  referenced: null,
};

describe.skipIf(!hasFossil)('artifacts written by fossil 2.21', () => {
  let zoo: Zoo;
  let blobs: StoredBlob[];
  let described: Map<string, string>;
  const parsed = new Map<string, Artifact>();

  beforeAll(() => {
    zoo = buildArtifactZoo();
    blobs = readAllBlobs(zoo.repo);
    described = describeArtifacts(zoo.repo, zoo.dir);
  });
  afterAll(() => zoo?.cleanup());

  it('recognises each blob as fossil does', () => {
    expect(blobs.length).toBeGreaterThan(100);
    const counts: Record<string, number> = {};
    for (const b of blobs) {
      const what = described.get(b.uuid);
      expect(what, `fossil describes ${b.uuid}`).toBeDefined();
      expect(Object.keys(DESCRIPTION_TYPES), `known description for ${b.uuid}`).toContain(what);
      const a = tryParseArtifact(b.content);
      expect(a !== null, `${b.uuid} (${what}): fossil's parser agrees`).toBe(fossilAccepts(zoo.dir, b.content));
      if (what !== 'referenced') expect(a?.type ?? null, `${b.uuid} (${what})`).toBe(DESCRIPTION_TYPES[what!]);
      if (a) parsed.set(b.uuid, a);
      counts[a?.type ?? 'file'] = (counts[a?.type ?? 'file'] ?? 0) + 1;
    }
    console.log('blob kinds:', counts);
    for (const t of ['manifest', 'cluster', 'control', 'wiki', 'ticket', 'attachment', 'technote', 'forum', 'file']) {
      expect(counts[t], t).toBeGreaterThan(0);
    }
  });

  it('prints every artifact back byte for byte', () => {
    let n = 0;
    for (const b of blobs) {
      const a = parsed.get(b.uuid);
      if (!a) continue;
      expectSameBytes(printArtifact(parseArtifact(b.content)), b.content, `${a.type} ${b.uuid}`);
      n++;
    }
    expect(n).toBeGreaterThan(30);
  });

  it('covered the interesting card forms', () => {
    const all = [...parsed.values()];
    const files = all.flatMap((a) => a.files);
    const has = (what: string, ok: boolean) => expect(ok, what).toBe(true);
    has('delta-manifest (B card)', all.some((a) => a.baseline !== undefined));
    has('deleted file in a delta-manifest', files.some((f) => f.uuid === null));
    has('cherry-pick (Q +)', all.some((a) => a.cherrypicks.some((q) => q.op === '+')));
    has('backout (Q -)', all.some((a) => a.cherrypicks.some((q) => q.op === '-')));
    has('merge (two parents)', all.some((a) => a.type === 'manifest' && a.parents.length === 2));
    has('executable', files.some((f) => f.perm === 'x'));
    has('symlink', files.some((f) => f.perm === 'l'));
    has('rename', files.some((f) => f.oldName !== undefined));
    has("bare 'w' from branch new", files.some((f) => f.permToken === 'w'));
    has('fossilized names', files.some((f) => f.name.includes(' ')));
    has('unicode names', files.some((f) => /ü/.test(f.name)));
    has('propagating tag with value', all.some((a) => a.tags.some((t) => t.op === '*' && t.value?.includes(' '))));
    has('cancel tag', all.some((a) => a.tags.some((t) => t.op === '-')));
    has('ticket append', all.some((a) => a.fields.some((j) => j.append)));
    has('ticket empty value', all.some((a) => a.fields.some((j) => j.value === '' && !j.noValue)));
    has('technote edit (P)', all.some((a) => a.type === 'technote' && a.parents.length === 1));
    has('markdown wiki', all.some((a) => a.type === 'wiki' && a.mimetype === 'text/x-markdown'));
    has('fossil-wiki wiki (no N card)', all.some((a) => a.type === 'wiki' && a.mimetype === undefined));
    has('clear-signed', all.some((a) => a.clearsign !== undefined));
    has('forum reply', all.some((a) => a.type === 'forum' && a.inReplyTo !== undefined));
    has('ticket attachment', all.some((a) => a.attachment?.target.length === 40));
    has('cluster members', all.some((a) => a.members.length >= 100));
  });

  it('R cards recompute from the files of each check-in', () => {
    const content = new Map(blobs.map((b) => [b.uuid, b.content]));
    const filesOf = (a: Artifact): FileCard[] => {
      if (a.baseline === undefined) return a.files;
      const merged = new Map(parsed.get(a.baseline)!.files.map((f) => [f.name, f]));
      for (const f of a.files) {
        if (f.uuid === null) merged.delete(f.name);
        else merged.set(f.name, f);
      }
      return [...merged.values()];
    };
    let n = 0;
    for (const a of parsed.values()) {
      if (a.type !== 'manifest' || a.repoChecksum === undefined) continue;
      const files = filesOf(a).map((f) => ({ name: f.name, content: content.get(f.uuid!)! }));
      expect(computeRCard(files)).toBe(a.repoChecksum);
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});
