/**
 * Names as `git fast-import` takes them: branch and tag names made into legal ref names the way
 * `fossil git export` does (export.c gitmirror_sanitize_name), and paths quoted when they must be.
 */

/** Characters fossil keeps in a ref name (printable ASCII but space " ' * : ; ? @ [ \ ] ^ ` ~ DEL). */
const SAFE = new Set('!#%&()+,-./0123456789<=>ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz{|}');

/**
 * fossil's rule, character for character: anything unsafe, a `/` at either end or doubled, and a
 * `.` at the end or doubled become `_`. Beyond it (where fossil's name would make fast-import stop,
 * or `git tag` refuse): an empty name, a part starting with `.` and a `.lock` ending get a `_` too.
 */
export function gitRefName(name: string): string {
  const z = [...name];
  for (let i = 0; i < z.length; i++) {
    const c = z[i]!;
    if (!SAFE.has(c)) z[i] = '_';
    else if (c === '/' && (i === 0 || i === z.length - 1 || z[i + 1] === '/')) z[i] = '_';
    else if (c === '.' && (i === z.length - 1 || z[i + 1] === '.' || (i > 0 && z[i - 1] === '.'))) z[i] = '_';
  }
  let out = z.join('');
  out = out.split('/').map((part) => (part.startsWith('.') ? `_${part.slice(1)}` : part)).join('/');
  if (out.endsWith('.lock')) out = `${out.slice(0, -5)}_lock`;
  return out || '_';
}

/**
 * A path for an `M` or `D` command: as it is, or C-quoted when it holds `\`, `"` or a newline
 * (fossil's gitmirror_quote_filename_if_needed; fossil leaves `D` paths unquoted, which breaks the
 * stream for such names, so they are quoted here too).
 */
export function fastImportPath(name: string): string {
  if (!/[\\"\n]/.test(name)) return name;
  return `"${name.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`;
}
