/**
 * The R card of a check-in (spec 5.3, vfile.c vfile_aggregate_checksum_manifest): MD5 over every
 * file of the check-in, in ascending bytewise order of the UTF-8 path, of
 * `path SP decimal-length LF content`. Paths are the decoded (not fossilized) names.
 */
import { compareBytes } from './artifact-checks.ts';
import { concat } from './bytes.ts';
import { md5Hex } from './hash.ts';
import { decodeLossless, encodeLossless } from './utf8-lossless.ts';

export interface RCardFile {
  name: string;
  content: Uint8Array;
}

/** Lowercase hex MD5 for the R card. Deleted files must already be left out. */
export function computeRCard(files: readonly RCardFile[]): string {
  const named = files.map((f) => ({ name: encodeLossless(f.name), content: f.content }));
  // JS string order (UTF-16 code units) differs from UTF-8 byte order above U+FFFF, so sort bytes.
  named.sort((a, b) => compareBytes(a.name, b.name));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < named.length; i++) {
    const f = named[i]!;
    if (i > 0 && compareBytes(named[i - 1]!.name, f.name) === 0) {
      throw new Error(`R card: file ${JSON.stringify(decodeLossless(f.name))} listed twice`);
    }
    parts.push(f.name, encodeLossless(` ${f.content.length}\n`), f.content);
  }
  // One MD5 over the whole stream; the platform hashes only whole buffers.
  return md5Hex(concat(parts));
}
