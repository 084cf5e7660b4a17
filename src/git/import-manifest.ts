/**
 * The artifacts a Git import writes, card for card as fossil 2.21's import.c writes them
 * (finish_commit, finish_tag, check_and_add_file): a check-in without R card, whose F cards
 * carry `x` or `l` only; tag artifacts for annotated tags and for tags git exports as commits.
 */
import { compareBytes } from '../fossil/artifact-checks.ts';
import { signedTextRange } from '../fossil/clearsign.ts';
import { fossilize } from '../fossil/fossilize.ts';
import { md5Hex } from '../fossil/hash.ts';
import { concat, utf8 } from '../fossil/bytes.ts';
import { encodeLossless } from '../fossil/utf8-lossless.ts';

export interface ImportedFile {
  name: string;
  /** Hash of the content; null when the stream named content this import does not have. */
  uuid: string | null;
  isExe: boolean;
  isLink: boolean;
}

export interface CheckinFields {
  comment: string;
  /** `YYYY-MM-DDTHH:MM:SS`, as import.c takes it from the committer's seconds. */
  date: string;
  user: string;
  files: readonly ImportedFile[];
  /** Primary parent and merged parents, as hashes; no parent for a root check-in. */
  parent: string | null;
  merges: readonly string[];
  /** Full T card lines (`T ...\n`), to be sorted and deduplicated here. */
  tagCards: readonly string[];
}

/** Text with its Z card, bytes exactly as written (names and comments may carry non-UTF-8 bytes). */
function withZ(body: string): Uint8Array {
  const bytes = encodeLossless(body);
  return concat([bytes, utf8(`Z ${md5Hex(bytes)}\n`)]);
}

export function checkinArtifact(c: CheckinFields): Uint8Array {
  let body = `C ${fossilize(c.comment)}\nD ${c.date}\n`;
  for (const f of c.files) {
    if (f.uuid === null) continue;
    body += `F ${fossilize(f.name)} ${f.uuid}${f.isExe ? ' x' : f.isLink ? ' l' : ''}\n`;
  }
  if (c.parent !== null) body += `P ${[c.parent, ...c.merges].join(' ')}\n`;
  // Sorted and without duplicates, or fossil would not read it as a check-in.
  const cards = [...c.tagCards].map((t) => ({ t, b: encodeLossless(t) })).sort((x, y) => compareBytes(x.b, y.b));
  cards.forEach(({ t }, i) => {
    if (i === 0 || cards[i - 1]!.t !== t) body += t;
  });
  body += `U ${fossilize(c.user)}\n`;
  return withZ(body);
}

/** A control artifact adding the tag `sym-NAME` to a check-in, with an optional value. */
export function tagArtifact(t: { date: string; name: string; target: string; value?: string | null; user: string }): Uint8Array {
  const value = t.value !== undefined && t.value !== null ? ` ${fossilize(t.value)}` : '';
  return withZ(`D ${t.date}\nT +sym-${fossilize(t.name)} ${t.target}${value}\nU ${fossilize(t.user)}\n`);
}

const EXTRA_LINE = utf8('# Remove this line to create a well-formed Fossil control artifact.\n');

/**
 * A file whose content is itself a well-formed artifact gets a line that stops it being one
 * (manifest.c sterilize_manifest): imported content must not turn into check-ins or tags.
 * The line goes before a PGP signature, else at the end.
 */
export function sterilize(content: Uint8Array): Uint8Array {
  const signed = signedTextRange(content);
  if (!signed) return concat([content, EXTRA_LINE]);
  return concat([content.subarray(0, signed.end), EXTRA_LINE, content.subarray(signed.end)]);
}
