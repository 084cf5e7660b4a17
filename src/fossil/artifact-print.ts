/**
 * Writing structural artifacts: cards in the order and spelling fossil writes them, then the Z
 * card computed over everything before it. For every artifact fossil writes,
 * printArtifact(parseArtifact(bytes)) gives back the same bytes. The R card is not computed here
 * (it needs the files' content; see rcard.ts): repoChecksum is written as given.
 */
import type { Artifact, FileCard } from './artifact-types.ts';
import { ArtifactError } from './artifact-checks.ts';
import { parseArtifact } from './artifact-parse.ts';
import { canonicalPermToken } from './file-lines.ts';
import { fossilize } from './fossilize.ts';
import { concat } from './bytes.ts';
import { encodeLossless } from './utf8-lossless.ts';
import { formatJulian } from './julian.ts';
import { md5Hex, isHashNameLoose } from './hash.ts';

export interface PrintOptions {
  /**
   * Parse the result again and check it is a valid artifact of a.type (default true). Catches a
   * model that cannot be written as a valid artifact (unsorted F cards, a missing card, ...).
   */
  verify?: boolean;
}

const fz = (s: string): string => fossilize(s);

/** An argument written as is: it must not be able to split the card or the line. */
function raw(value: string, what: string, allowEmpty = false): string {
  if ((!allowEmpty && value === '') || /[ \n\0]/.test(value)) {
    throw new ArtifactError(`cannot print ${what} ${JSON.stringify(value)}: it must be a single non-empty word`);
  }
  return value;
}

function hash(value: string, what: string): string {
  if (!isHashNameLoose(value)) throw new ArtifactError(`cannot print ${what}: ${JSON.stringify(value)} is not an artifact hash`);
  return value;
}

function fileLine(f: FileCard): string {
  let line = `F ${fz(f.name)}`;
  if (f.uuid === null) return line;
  line += ` ${hash(f.uuid, `hash of ${f.name}`)}`;
  const perm = f.permToken ?? canonicalPermToken(f);
  if (perm !== undefined) line += ` ${raw(perm, `permission of ${f.name}`, true)}`;
  if (f.oldName !== undefined) line += ` ${fz(f.oldName)}`;
  return line;
}

/** F cards with any reserved-name cards the parser set aside put back where they were. */
function allFiles(a: Artifact): FileCard[] {
  const reserved = a.legacy?.reservedFiles;
  if (!reserved?.length) return a.files;
  const out: FileCard[] = [];
  let r = 0;
  for (let i = 0; i <= a.files.length; i++) {
    while (r < reserved.length && reserved[r]!.index <= i) out.push(reserved[r++]!.file);
    if (i < a.files.length) out.push(a.files[i]!);
  }
  return out;
}

function dateOf(date: string | undefined, julian: number | undefined, what: string): string | undefined {
  if (date !== undefined) return raw(date, what);
  return julian === undefined ? undefined : formatJulian(julian);
}

/** The card lines (without newlines) before W and Z, in fossil's order. */
function cardLines(a: Artifact): string[] {
  const lines: string[] = [];
  if (a.attachment) {
    const { filename, target, source } = a.attachment;
    lines.push(`A ${fz(filename)} ${fz(target)}${source !== undefined ? ` ${hash(source, 'attachment source')}` : ''}`);
  }
  if (a.baseline !== undefined) lines.push(`B ${hash(a.baseline, 'baseline')}`);
  if (a.comment !== undefined) lines.push(`C ${fz(a.comment)}`);
  const date = dateOf(a.date, a.julian, 'date');
  if (date !== undefined) lines.push(`D ${date}`);
  if (a.event) {
    const eDate = dateOf(a.event.date, a.event.julian, 'technote date');
    lines.push(`E ${eDate} ${hash(a.event.id, 'technote id')}`);
  }
  for (const f of allFiles(a)) lines.push(fileLine(f));
  if (a.threadRoot !== undefined) lines.push(`G ${hash(a.threadRoot, 'thread root')}`);
  if (a.threadTitle !== undefined) lines.push(`H ${fz(a.threadTitle)}`);
  if (a.inReplyTo !== undefined) lines.push(`I ${hash(a.inReplyTo, 'in-reply-to')}`);
  for (const j of a.fields) {
    const name = raw(`${j.append ? '+' : ''}${j.name}`, 'ticket field name', true);
    lines.push(j.noValue ? `J ${name}` : `J ${name} ${fz(j.value)}`);
  }
  if (a.ticketId !== undefined) lines.push(`K ${raw(a.ticketId, 'ticket id')}`);
  if (a.wikiTitle !== undefined) lines.push(`L ${fz(a.wikiTitle)}`);
  for (const m of a.members) lines.push(`M ${hash(m, 'cluster member')}`);
  const mimetype = a.mimetype !== undefined ? `N ${fz(a.mimetype)}` : undefined;
  const nAfterP = a.legacy?.mimetypeAfterParents === true;
  if (mimetype && !nAfterP) lines.push(mimetype);
  if (a.parents.length > 0) lines.push(`P ${a.parents.map((p) => hash(p, 'parent')).join(' ')}`);
  else if (a.legacy?.emptyParentCard) lines.push('P');
  if (mimetype && nAfterP) lines.push(mimetype);
  for (const q of a.cherrypicks) {
    lines.push(`Q ${q.op}${hash(q.target, 'cherry-pick target')}${q.baseline !== undefined ? ` ${hash(q.baseline, 'cherry-pick baseline')}` : ''}`);
  }
  if (a.repoChecksum !== undefined) lines.push(`R ${raw(a.repoChecksum, 'R card checksum')}`);
  for (const t of a.tags) {
    const target = t.target === '*' ? '*' : hash(t.target, `target of tag ${t.name}`);
    lines.push(`T ${t.op}${fz(t.name)} ${target}${t.value !== undefined ? ` ${fz(t.value)}` : ''}`);
  }
  if (a.user !== undefined) lines.push(`U ${fz(a.user)}`);
  return lines;
}

export function printArtifact(a: Artifact, options: PrintOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [encodeLossless(cardLines(a).map((l) => `${l}\n`).join(''))];
  if (a.wiki !== undefined) {
    parts.push(encodeLossless(`W ${a.wiki.length}\n`), a.wiki, Uint8Array.of(0x0a));
  }
  const body = concat(parts);
  const signedText = concat([body, encodeLossless(`Z ${md5Hex(body)}\n`)]);
  const out = a.clearsign ? concat([a.clearsign.header, signedText, a.clearsign.trailer]) : signedText;
  if (options.verify ?? true) {
    let back;
    try {
      back = parseArtifact(out);
    } catch (e) {
      if (e instanceof ArtifactError) throw new ArtifactError(`cannot print this ${a.type}: ${e.message}`);
      throw e;
    }
    if (back.type !== a.type) throw new ArtifactError(`cards given for a ${a.type} make a ${back.type}`);
  }
  return out;
}
