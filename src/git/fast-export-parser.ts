/**
 * A streaming parser of the `git fast-export` format (git-fast-import(1), "Input format"), as a
 * pure codec: push Uint8Array chunks in any sizes, get back the commands they complete; end()
 * says whether the stream stopped where a stream may stop. Memory stays bounded: one line (at
 * most MAX_LINE bytes) and one `data` payload (at most maxDataBytes) are held at a time.
 *
 * The commands are what fossil's importer (import.c git_fast_import) reads, one per line, with
 * each `data N` followed by its payload. Interpreting them (marks, branches, file lists) is the
 * importer's business (import-stream.ts). Only the `data N` form is read, not `data <<DELIM`:
 * git fast-export never writes the other, and fossil does not read it either.
 */
import { CodedError } from '../errors.ts';
import { decodeLossless, encodeLossless } from '../fossil/utf8-lossless.ts';
import { concat } from '../fossil/bytes.ts';

/** A line longer than this is not something git fast-export writes (paths are far shorter). */
export const MAX_LINE = 64 * 1024;
/** Default limit on one payload; a file larger than this is refused, not read into memory. */
export const DEFAULT_MAX_DATA = 1024 * 1024 * 1024;

export type FastExportCommand =
  | { kind: 'blob' }
  | { kind: 'commit'; ref: string }
  | { kind: 'tag'; name: string }
  | { kind: 'reset'; ref: string }
  | { kind: 'mark'; mark: string }
  | { kind: 'from'; committish: string }
  | { kind: 'merge'; committish: string }
  /** author, committer or tagger: `Name <email> SECONDS ZONE` as written. */
  | { kind: 'person'; role: 'author' | 'committer' | 'tagger'; ident: string }
  | { kind: 'data'; bytes: Uint8Array }
  /** `M mode dataref path`; dataref is a mark, an object name or `inline`. */
  | { kind: 'modify'; mode: string; dataref: string; path: string }
  | { kind: 'delete'; path: string }
  | { kind: 'copy' | 'rename'; from: string; to: string }
  | { kind: 'deleteall' }
  /** Lines that end the record being read and carry nothing fossil keeps. */
  | { kind: 'checkpoint' | 'feature' | 'option' | 'progress'; text: string }
  /** `property NAME VALUE`, as breezy writes it (branch-nick names the branch). */
  | { kind: 'property'; name: string; value: string }
  /** `N dataref committish`, `original-oid`, `encoding`: read and not used. */
  | { kind: 'ignored'; text: string }
  /** The `done` command: the stream is complete, nothing after it is read. */
  | { kind: 'done' };

export type FastExportProblem = 'truncated' | 'malformed' | 'too-large';

/** A stream that is not a usable fast-export stream. `problem` tells which way. */
export class FastExportError extends CodedError {
  override name = 'FastExportError';
  constructor(
    readonly problem: FastExportProblem,
    message: string,
  ) {
    super('bad-input', message);
  }
}

const LF = 0x0a;

export interface ParserOptions {
  maxDataBytes?: number;
}

export class FastExportParser {
  private readonly maxData: number;
  /** Bytes of a line not yet ended. */
  private partial: Uint8Array[] = [];
  private partialLength = 0;
  /** While reading a payload: its parts and how many bytes are still to come. */
  private dataParts: Uint8Array[] | null = null;
  private dataWanted = 0;
  private lineNo = 0;
  private sawFeatureDone = false;
  private finished = false;

  constructor(opts: ParserOptions = {}) {
    this.maxData = opts.maxDataBytes ?? DEFAULT_MAX_DATA;
  }

  /** True once `done` was read: what follows is not part of the stream. */
  get isDone(): boolean {
    return this.finished;
  }

  /** The commands the chunk completes, in order. */
  push(chunk: Uint8Array): FastExportCommand[] {
    const out: FastExportCommand[] = [];
    let at = 0;
    while (at < chunk.length && !this.finished) {
      if (this.dataParts) {
        const take = Math.min(this.dataWanted, chunk.length - at);
        // A copy: the caller may reuse its chunk, and a payload outlives it.
        this.dataParts.push(chunk.slice(at, at + take));
        this.dataWanted -= take;
        at += take;
        if (this.dataWanted === 0) out.push(this.takeData());
        continue;
      }
      const nl = chunk.indexOf(LF, at);
      const end = nl < 0 ? chunk.length : nl;
      if (this.partialLength + (end - at) > MAX_LINE) {
        throw new FastExportError('malformed', `line ${this.lineNo + 1} of the fast-export stream is longer than ${MAX_LINE} bytes`);
      }
      if (end > at) {
        this.partial.push(chunk.subarray(at, end));
        this.partialLength += end - at;
      }
      if (nl < 0) {
        // Keep a copy: the rest of the line comes in a later chunk.
        const last = this.partial.pop();
        if (last) this.partial.push(last.slice());
        break;
      }
      at = nl + 1;
      const line = this.takeLine();
      this.lineNo++;
      const cmd = this.parseLine(line);
      if (cmd) out.push(cmd);
    }
    return out;
  }

  /** The stream ended: throws unless it ended between commands (and after `done`, when announced). */
  end(): FastExportCommand[] {
    if (this.finished) return [];
    if (this.dataParts) {
      const got = this.dataParts.reduce((n, p) => n + p.length, 0);
      throw new FastExportError('truncated', `the fast-export stream ends inside a data block: got ${got} of ${got + this.dataWanted} bytes`);
    }
    if (this.partialLength > 0) {
      throw new FastExportError('truncated', `the fast-export stream ends inside line ${this.lineNo + 1} (no newline)`);
    }
    if (this.sawFeatureDone) {
      throw new FastExportError('truncated', 'the fast-export stream ends before its `done` command');
    }
    return [];
  }

  private takeLine(): Uint8Array {
    const parts = this.partial;
    const line = parts.length === 1 ? parts[0]! : concat(parts);
    this.partial = [];
    this.partialLength = 0;
    return line;
  }

  private takeData(): FastExportCommand {
    const parts = this.dataParts!;
    this.dataParts = null;
    const n = parts.reduce((s, p) => s + p.length, 0);
    return { kind: 'data', bytes: parts.length === 1 ? parts[0]! : concat(parts) };
  }

  private bad(text: string, why: string): never {
    throw new FastExportError('malformed', `bad fast-export line ${this.lineNo}: [${text.slice(0, 200)}]: ${why}`);
  }

  private parseLine(bytes: Uint8Array): FastExportCommand | null {
    // A CR before the LF is dropped, as fossil's rest_of_line drops it.
    const n = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const line = decodeLossless(bytes, 0, n);
    if (line === '' || line.startsWith('#')) return null;
    const sp = line.indexOf(' ');
    const word = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    switch (word) {
      case 'blob': return { kind: 'blob' };
      case 'commit': return { kind: 'commit', ref: this.need(line, rest) };
      case 'tag': return { kind: 'tag', name: this.need(line, rest) };
      case 'reset': return { kind: 'reset', ref: this.need(line, rest) };
      case 'mark': return { kind: 'mark', mark: this.need(line, rest) };
      case 'from': return { kind: 'from', committish: this.need(line, rest) };
      case 'merge': return { kind: 'merge', committish: this.need(line, rest) };
      case 'author':
      case 'committer':
      case 'tagger':
        return { kind: 'person', role: word, ident: this.need(line, rest) };
      case 'data': return this.startData(line, rest);
      case 'M': return this.parseModify(line, rest);
      case 'D': return { kind: 'delete', path: this.path(line, rest) };
      case 'C':
      case 'R': {
        const [from, to] = this.twoPaths(line, rest);
        return { kind: word === 'C' ? 'copy' : 'rename', from, to };
      }
      case 'deleteall': return { kind: 'deleteall' };
      case 'checkpoint':
      case 'option':
      case 'progress':
        return { kind: word, text: rest };
      case 'feature':
        if (rest === 'done') this.sawFeatureDone = true;
        return { kind: 'feature', text: rest };
      case 'property': {
        const i = rest.indexOf(' ');
        return { kind: 'property', name: i < 0 ? rest : rest.slice(0, i), value: i < 0 ? '' : rest.slice(i + 1) };
      }
      case 'N':
      case 'original-oid':
      case 'encoding':
        return { kind: 'ignored', text: line };
      case 'done':
        this.finished = true;
        return { kind: 'done' };
      default:
        return this.bad(line, 'unknown command');
    }
  }

  private need(line: string, rest: string): string {
    if (!rest) this.bad(line, 'argument missing');
    return rest;
  }

  private startData(line: string, rest: string): FastExportCommand | null {
    if (!/^\d+$/.test(rest)) this.bad(line, 'expected `data <byte count>`');
    const size = Number(rest);
    if (size > this.maxData) throw new FastExportError('too-large', `a data block of ${size} bytes is larger than the limit of ${this.maxData}`);
    if (size === 0) return { kind: 'data', bytes: new Uint8Array(0) };
    this.dataParts = [];
    this.dataWanted = size;
    return null;
  }

  private parseModify(line: string, rest: string): FastExportCommand {
    const m = /^(\S+) (\S+) (.+)$/.exec(rest);
    if (!m) return this.bad(line, 'expected `M mode dataref path`');
    return { kind: 'modify', mode: m[1]!, dataref: m[2]!, path: this.path(line, m[3]!) };
  }

  /** A path that is the rest of the line: C-quoted when it starts with a double quote. */
  private path(line: string, text: string): string {
    if (!text) this.bad(line, 'path missing');
    if (!text.startsWith('"')) return text;
    const q = unquoteAt(text, 0);
    if (!q || q.end !== text.length) this.bad(line, 'badly quoted path');
    return q.value;
  }

  /** `SOURCE DEST` of C and R: the source is quoted, or ends at the first space. */
  private twoPaths(line: string, text: string): [string, string] {
    let from: string;
    let at: number;
    if (text.startsWith('"')) {
      const q = unquoteAt(text, 0);
      if (!q || text[q.end] !== ' ') this.bad(line, 'badly quoted path');
      from = q.value;
      at = q.end + 1;
    } else {
      const sp = text.indexOf(' ');
      if (sp <= 0) this.bad(line, 'expected two paths');
      from = text.slice(0, sp);
      at = sp + 1;
    }
    return [from, this.path(line, text.slice(at))];
  }
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '"': 34, '\\': 92 };

/**
 * Git's C-style quoting (quote.c): the bytes between the quotes, with backslash escapes and
 * three-digit octal bytes, decoded as UTF-8 (losslessly: other bytes survive as themselves).
 * Returns null when the quotes are not closed.
 */
export function unquoteAt(text: string, start: number): { value: string; end: number } | null {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value: decodeLossless(Uint8Array.from(bytes)), end: i + 1 };
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) return null;
      if (/[0-3]/.test(e) && /^[0-7]{2}$/.test(text.slice(i + 2, i + 4))) {
        bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
        i += 4;
        continue;
      }
      const v = ESCAPES[e];
      if (v === undefined) return null;
      bytes.push(v);
      i += 2;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    for (const b of encodeLossless(ch)) bytes.push(b);
    i += ch.length;
  }
  return null;
}
