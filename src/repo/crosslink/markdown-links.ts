/**
 * Hyperlink targets in Markdown, close to what fossil's markdown parser hands its link callback:
 * inline links `[text](target "title")`, full and collapsed reference links `[text][id]`,
 * `[id][]`, and shortcut references `[id]` when `[id]: target` is defined, including links inside
 * link text. Images, footnotes, code spans, backtick-fenced and indented code blocks contribute
 * nothing (fossil's Markdown does not know `~~~` fences).
 *
 * This is a link scanner, not a Markdown renderer; it follows upstream on the constructs that
 * matter for backlinks (links to artifact hashes) and does not try to reproduce every corner.
 */

const WS = new Set([' ', '\t', '\n']);

/** Reference ids compare with runs of whitespace collapsed and ASCII case folded. */
function refId(s: string): string | undefined {
  const id = s.trim().split(/[ \t\n]+/).join(' ');
  return id ? id.replace(/[A-Z]/g, (c) => c.toLowerCase()) : undefined;
}

/** Remove code blocks and collect reference definitions; returns the remaining text. */
function stripBlocks(text: string, refs: Map<string, string>): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let fence: string | undefined;
  let prevBlank = true;
  for (const line of lines) {
    if (fence !== undefined) {
      if (line.trimStart().startsWith(fence)) fence = undefined;
      kept.push('');
      continue;
    }
    const open = /^ {0,3}(`{3,})/.exec(line);
    if (open) {
      fence = open[1]!;
      kept.push('');
      continue;
    }
    if (prevBlank && /^( {4}|\t)/.test(line)) {
      kept.push(''); // an indented code block; it stays one as long as lines stay indented
      continue;
    }
    const def = /^ {0,3}\[([^\]]+)\]:[ \t]*<?([^ \t>]+)>?/.exec(line);
    if (def && !def[1]!.startsWith('^')) {
      const id = refId(def[1]!);
      if (id && !refs.has(id)) refs.set(id, def[2]!);
      kept.push('');
      prevBlank = false;
      continue;
    }
    kept.push(line);
    prevBlank = line.trim() === '' ? true : prevBlank && /^( {4}|\t)/.test(line);
  }
  return kept.join('\n');
}

/** Offset of the bracket matching the one at i, honouring nesting and backslash escapes. */
function matchingBracket(z: string, i: number): number {
  const open = z[i]!;
  const close = open === '[' ? ']' : ')';
  let level = 1;
  for (let j = i + 1; j < z.length; j++) {
    const c = z[j]!;
    if (c === '\n') continue;
    if (z[j - 1] === '\\') continue;
    if (c === open) level++;
    else if (c === close && --level <= 0) return j;
  }
  return -1;
}

/** The target of an inline link body (between the parentheses). */
function inlineTarget(body: string): string {
  let b = 0;
  while (b < body.length && WS.has(body[b]!)) b++;
  let e = b;
  while (e < body.length && body[e] !== '"' && body[e] !== "'") e++;
  while (e > b && WS.has(body[e - 1]!)) e--;
  if (body[b] === '<') b++;
  if (e > 0 && body[e - 1] === '>') e--;
  return body.slice(b, Math.max(b, e)).replace(/\\+/g, '');
}

export function markdownLinkTargets(text: string): string[] {
  const nul = text.indexOf('\0');
  const refs = new Map<string, string>();
  const z = stripBlocks(nul >= 0 ? text.slice(0, nul) : text, refs);
  const out: string[] = [];
  scanInline(z, refs, out);
  return out;
}

function scanInline(z: string, refs: Map<string, string>, out: string[]): void {
  let i = 0;
  while (i < z.length) {
    const c = z[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      // A code span: skip to the matching run of backticks.
      let n = 1;
      while (z[i + n] === '`') n++;
      const close = z.indexOf('`'.repeat(n), i + n);
      i = close < 0 ? i + n : close + n;
      continue;
    }
    if (c !== '[' || z[i + 1] === '^') {
      i++;
      continue;
    }
    const isImage = i > 0 && z[i - 1] === '!';
    const textEnd = matchingBracket(z, i);
    if (textEnd < 0) {
      i++;
      continue;
    }
    let j = textEnd + 1;
    while (j < z.length && WS.has(z[j]!)) j++;
    let target: string | undefined;
    let next = textEnd + 1;
    if (z[j] === '(') {
      let close = j;
      while (close < z.length && !(z[close] === ')' && (close === j || z[close - 1] !== '\\'))) close++;
      if (close < z.length) {
        target = inlineTarget(z.slice(j + 1, close));
        next = close + 1;
      }
    } else if (z[j] === '[') {
      const idEnd = z.indexOf(']', j);
      if (idEnd >= 0) {
        const explicit = z.slice(j + 1, idEnd);
        const id = refId(explicit === '' ? z.slice(i + 1, textEnd) : explicit);
        target = id === undefined ? undefined : refs.get(id);
        next = idEnd + 1;
      }
    } else {
      const id = refId(z.slice(i + 1, textEnd));
      target = id === undefined ? undefined : refs.get(id);
    }
    if (target === undefined) {
      i++;
      continue;
    }
    if (!isImage) {
      out.push(target);
      // The link text is Markdown too and may hold links of its own (an image's alt text does not).
      scanInline(z.slice(i + 1, textEnd), refs, out);
    }
    i = next;
  }
}
