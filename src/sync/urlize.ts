/**
 * The encoding upstream's server uses for the text of some error cards (printf `%T`, encode.c
 * urlize): letters, digits and `.$~-_/:` as they are, space as `+`, every other byte as %XX.
 */
import { utf8 } from '../fossil/bytes.ts';

const SAFE = /[A-Za-z0-9.$~\-_/:]/;

export function urlize(s: string): string {
  let out = '';
  for (const byte of utf8(s)) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && SAFE.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
