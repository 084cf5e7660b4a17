/**
 * PGP clear-signed artifacts (spec 5.9, manifest.c remove_pgp_signature). The artifact hash
 * covers the whole signed file, but parsing and the Z card use only the signed text: after the
 * armor header's blank line, up to the line that starts the signature block. Dash-escaping is
 * not undone, as upstream does not undo it.
 */
const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
// Upstream compares 25 bytes, so the dash after SIGNATURE is not required.
const SIGNATURE = '\n-----BEGIN PGP SIGNATURE';

function startsWithAt(b: Uint8Array, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Is b[at-1] the end of a blank line (`\n\n` or `\n\r\n`)? */
function afterBlankLine(b: Uint8Array, at: number): boolean {
  if (b[at - 1] !== 0x0a) return false;
  if (b[at - 2] === 0x0a) return true;
  return b[at - 2] === 0x0d && b[at - 3] === 0x0a;
}

/** The [start, end) range of the signed text, or null when the input is not clear-signed. */
export function signedTextRange(b: Uint8Array): { start: number; end: number } | null {
  if (!startsWithAt(b, 0, BEGIN)) return null;
  let start = BEGIN.length;
  while (start < b.length && !afterBlankLine(b, start)) start++;
  if (start >= b.length) return null;
  let end = b.length;
  for (let i = b.length - 1; i >= start; i--) {
    if (b[i] === 0x0a && startsWithAt(b, i, SIGNATURE)) {
      end = i + 1;
      break;
    }
  }
  return { start, end };
}
