/** Rules for what may be written into new artifacts: file names, tag names, dates. */
import { CodedError } from '../../errors.ts';

export class AuthoringError extends CodedError {
  override name = 'AuthoringError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

/**
 * A file name fossil's `add` and commit accept (file_is_simple_pathname, strict): relative,
 * '/'-separated, no empty, '.' or '..' segments, no backslash, nothing outside the Basic
 * Multilingual Plane, no private-use or non-characters, not one of a check-out's own files.
 * Control characters other than NUL are allowed, as fossil allows them (an F card escapes them).
 */
export function checkFileName(name: string): void {
  const bad = (why: string) => new AuthoringError(`bad file name ${JSON.stringify(name)}: ${why}`);
  if (name.length === 0) throw bad('empty');
  if (name.startsWith('/')) throw bad('must be relative');
  if (name.endsWith('/')) throw bad('ends with /');
  if (name.includes('\0')) throw bad('contains NUL');
  if (name.includes('\\')) throw bad('contains a backslash');
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c > 0xffff) throw bad('has a character beyond U+FFFF');
    if ((c >= 0xd800 && c <= 0xdfff) || (c >= 0xe000 && c <= 0xf8ff) || (c >= 0xfdd0 && c <= 0xfdef) || c >= 0xfffe) {
      throw bad('has a private-use, surrogate or non-character');
    }
  }
  for (const seg of name.split('/')) {
    if (seg === '') throw bad('contains //');
    if (seg === '.' || seg === '..') throw bad(`contains a "${seg}" segment`);
  }
  if (/^(_FOSSIL_|\.fslckout|\.fos)(-journal|-wal|-shm)?$/.test(name)) throw bad('is reserved for fossil check-outs');
}

/**
 * Tag (and branch) names as `fossil tag add` takes them: anything but empty text, NUL, or a
 * prefix fossil gives other meanings (wiki pages, tickets, technotes). Spaces and the like are
 * escaped in the T card, as fossil escapes them.
 */
export function checkTagName(name: string): void {
  if (!name || name.includes('\0')) throw new AuthoringError(`bad tag name ${JSON.stringify(name)}`);
  if (/^(wiki-|tkt-|event-)/.test(name)) throw new AuthoringError(`bad tag name ${JSON.stringify(name)}: that prefix is fossil's own`);
}

/** The D card form fossil writes: UTC with milliseconds, `YYYY-MM-DDTHH:MM:SS.SSS`. */
export function dateCard(d: Date = new Date()): string {
  if (Number.isNaN(d.getTime())) throw new AuthoringError('invalid date');
  return d.toISOString().slice(0, 23);
}
