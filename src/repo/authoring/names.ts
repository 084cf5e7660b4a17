/** Rules for what may be written into new artifacts: file names, tag names, dates. */

export class AuthoringError extends Error {
  override name = 'AuthoringError';
}

/**
 * A file name fossil accepts in an F card (file_is_simple_pathname): relative, '/'-separated,
 * no empty, '.' or '..' segments, no backslash and no control characters.
 */
export function checkFileName(name: string): void {
  const bad = (why: string) => new AuthoringError(`bad file name ${JSON.stringify(name)}: ${why}`);
  if (name.length === 0) throw bad('empty');
  if (name.startsWith('/')) throw bad('must be relative');
  if (name.endsWith('/')) throw bad('ends with /');
  if (/[\\\x00-\x1f\x7f]/.test(name)) throw bad('contains a backslash or control character');
  for (const seg of name.split('/')) {
    if (seg === '') throw bad('contains //');
    if (seg === '.' || seg === '..') throw bad(`contains a "${seg}" segment`);
  }
  if (/^(_FOSSIL_|\.fslckout|\.fos)(-journal|-wal|-shm)?$/.test(name)) throw bad('is reserved for fossil check-outs');
}

/** Tag names may not be empty, contain whitespace, or be all hex digits (they'd read as hashes). */
export function checkTagName(name: string): void {
  if (!name || /\s/.test(name)) throw new AuthoringError(`bad tag name ${JSON.stringify(name)}`);
  if (/^[0-9a-fA-F]+$/.test(name)) throw new AuthoringError(`bad tag name ${JSON.stringify(name)}: all hex digits`);
}

/** The D card form fossil writes: UTC with milliseconds, `YYYY-MM-DDTHH:MM:SS.SSS`. */
export function dateCard(d: Date = new Date()): string {
  if (Number.isNaN(d.getTime())) throw new AuthoringError('invalid date');
  return d.toISOString().slice(0, 23);
}
