/**
 * Fossil's escaping of card arguments (encode.c fossilize/defossilize): backslash, NUL, space
 * and the C whitespace escapes. Works on strings (for names and comments, which are UTF-8 text)
 * and on bytes (for wire tokens).
 */
const ENC: Record<string, string> = {
  '\\': '\\\\', '\0': '\\0', ' ': '\\s', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\v': '\\v', '\f': '\\f',
};
const DEC: Record<string, string> = { '0': '\0', s: ' ', n: '\n', t: '\t', r: '\r', v: '\v', f: '\f' };

export function fossilize(s: string): string {
  return s.replace(/[\\\0 \n\t\r\v\f]/g, (c) => ENC[c]!);
}

export function defossilize(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[++i]!;
      out += DEC[n] ?? n;
    } else {
      out += c;
    }
  }
  return out;
}
