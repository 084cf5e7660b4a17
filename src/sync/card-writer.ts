/**
 * Builds the card text of an xfer message. Card lines are collected as text and payloads are kept
 * by reference, so the only copy of a payload is the one into the final buffer. Arguments are
 * checked as they are written: a writer never produces a line the parser (or upstream) would
 * reject, a blank line, or an argument that would split into two tokens.
 */
import { concat, utf8 } from '../fossil/bytes.ts';
import { fossilize } from '../fossil/fossilize.ts';
import { NEWLINE, hasSpace, isFossilizedPragmaArg, normalizeHashName } from './card-syntax.ts';
import type { UvfileFields, XferCard } from './card-types.ts';

export type { UvfileFields } from './card-types.ts';

export class CardWriterError extends Error {
  override name = 'CardWriterError';
}

export interface CardWriterOptions {
  /**
   * Upstream's server ends a cfile payload with `\n` unless the payload already ends with one.
   * A client reads that as a blank line and skips it, but a server rejects blank lines, so only
   * a server writing to a client may turn this on (it makes replies byte-identical to upstream's).
   */
  newlineAfterCfile?: boolean;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

/** Bytes the UTF-8 encoding of s takes, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export class CardWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: string[] = [];
  private pendingBytes = 0;
  private doneBytes = 0;
  private cards = 0;

  constructor(private readonly options: CardWriterOptions = {}) {}

  /** Cards written so far (the separators after payloads are not cards). */
  get cardCount(): number {
    return this.cards;
  }

  /** Bytes written so far; roles use it to keep a message within its budget. */
  get byteLength(): number {
    return this.doneBytes + this.pendingBytes;
  }

  file(hash: string, payload: Uint8Array, src?: string): this {
    const srcPart = src === undefined ? '' : ` ${this.hashName('file', src)}`;
    this.line(`file ${this.hashName('file', hash)}${srcPart} ${payload.length}`);
    return this.payload(payload);
  }

  /** payload is the artifact (or delta) in blob-storage form; usize is the full artifact's size. */
  cfile(hash: string, usize: number, payload: Uint8Array, src?: string): this {
    const srcPart = src === undefined ? '' : ` ${this.hashName('cfile', src)}`;
    this.line(`cfile ${this.hashName('cfile', hash)}${srcPart} ${this.count('cfile', 'usize', usize)} ${payload.length}`);
    this.payload(payload);
    if (this.options.newlineAfterCfile && payload.length > 0 && payload[payload.length - 1] !== NEWLINE) this.line('');
    return this;
  }

  config(name: string, payload: Uint8Array): this {
    this.line(`config ${this.token('config', 'name', name)} ${payload.length}`);
    this.payload(payload);
    // The newline that ends a config payload is not counted in its size.
    return this.line('');
  }

  uvfile(f: UvfileFields): this {
    const withPayload = f.size > 0 && (f.flags & 5) === 0;
    if (withPayload !== (f.payload !== undefined)) {
      throw new CardWriterError(
        'uvfile: a payload must be given exactly when size > 0 and flags has neither bit 1 nor 4 ' +
          `(size ${f.size}, flags ${f.flags})`,
      );
    }
    if (f.payload !== undefined && f.payload.length !== f.size) {
      throw new CardWriterError(`uvfile: size ${f.size} but the payload has ${f.payload.length} bytes`);
    }
    this.line(
      `uvfile ${this.token('uvfile', 'name', f.name)} ${this.count('uvfile', 'mtime', f.mtime)} ` +
        `${this.hashOrDash('uvfile', f.hash)} ${this.count('uvfile', 'size', f.size)} ${this.count('uvfile', 'flags', f.flags)}`,
    );
    return f.payload === undefined ? this : this.payload(f.payload);
  }

  igot(hash: string, isPrivate = false): this {
    return this.line(`igot ${this.hashName('igot', hash)}${isPrivate ? ' 1' : ''}`);
  }

  gimme(hash: string): this {
    return this.line(`gimme ${this.hashName('gimme', hash)}`);
  }

  /** A login line as given; login.ts computes nonce and signature and puts it first. */
  login(user: string, nonce: string, signature: string): this {
    return this.line(
      `login ${this.fossilized('login', 'user', user)} ${this.token('login', 'nonce', nonce)} ` +
        this.token('login', 'signature', signature),
    );
  }

  pragma(name: string, ...args: string[]): this {
    if (args.length > 4) throw new CardWriterError(`pragma: at most 4 arguments fit on a card line, got ${args.length}`);
    const parts = [`pragma ${this.token('pragma', 'name', name)}`];
    args.forEach((a, i) =>
      parts.push(isFossilizedPragmaArg(name, i) ? this.fossilized('pragma', 'argument', a) : this.token('pragma', 'argument', a)),
    );
    return this.line(parts.join(' '));
  }

  push(serverCode: string, projectCode: string): this {
    return this.line(`push ${this.codes('push', serverCode, projectCode)}`);
  }

  pull(serverCode: string, projectCode: string): this {
    return this.line(`pull ${this.codes('pull', serverCode, projectCode)}`);
  }

  /** `clone` (legacy) when called without arguments, else `clone PROTOCOL SEQNO`. */
  clone(protocol?: number, seqno?: number): this {
    if (protocol === undefined && seqno === undefined) return this.line('clone');
    if (protocol === undefined || seqno === undefined) {
      throw new CardWriterError('clone: give both protocol and seqno, or neither');
    }
    return this.line(`clone ${this.count('clone', 'protocol', protocol)} ${this.count('clone', 'seqno', seqno)}`);
  }

  cloneSeqno(seqno: number): this {
    return this.line(`clone_seqno ${this.count('clone_seqno', 'seqno', seqno)}`);
  }

  cookie(value: string): this {
    return this.line(`cookie ${this.token('cookie', 'value', value)}`);
  }

  reqconfig(name: string): this {
    return this.line(`reqconfig ${this.token('reqconfig', 'name', name)}`);
  }

  /** The `private` card: the next file or cfile carries private content. */
  markNextPrivate(): this {
    return this.line('private');
  }

  message(text: string): this {
    return this.line(`message ${this.fossilized('message', 'text', text)}`);
  }

  error(text: string): this {
    return this.line(`error ${this.fossilized('error', 'text', text)}`);
  }

  uvigot(name: string, mtime: number, hash: string | null, size: number): this {
    return this.line(
      `uvigot ${this.token('uvigot', 'name', name)} ${this.count('uvigot', 'mtime', mtime)} ` +
        `${this.hashOrDash('uvigot', hash)} ${this.count('uvigot', 'size', size)}`,
    );
  }

  uvgimme(name: string): this {
    return this.line(`uvgimme ${this.token('uvgimme', 'name', name)}`);
  }

  /** `# text`. A trailing CR would be read back as part of the line end, so it is refused too. */
  comment(text: string): this {
    if (/\n|\r$/.test(text)) {
      throw new CardWriterError(`comment: text must be a single line not ending in CR, got ${quote(text)}`);
    }
    return this.line(text === '' ? '#' : `# ${text}`);
  }

  /** Write a parsed card back. Blank lines are dropped: a writer never emits them. */
  card(c: XferCard): this {
    switch (c.kind) {
      case 'file':
        return this.file(c.hash, c.payload, c.src);
      case 'cfile':
        if (c.payload.length !== c.csize) {
          throw new CardWriterError(`cfile: csize ${c.csize} but the payload has ${c.payload.length} bytes`);
        }
        return this.cfile(c.hash, c.usize, c.payload, c.src);
      case 'config':
        return this.config(c.name, c.payload);
      case 'uvfile':
        return this.uvfile(c);
      case 'igot':
        return this.igot(c.hash, c.isPrivate);
      case 'gimme':
        return this.gimme(c.hash);
      case 'login':
        return this.login(c.user, c.nonce, c.signature);
      case 'pragma':
        return this.pragma(c.name, ...c.args);
      case 'push':
        return this.push(c.serverCode, c.projectCode);
      case 'pull':
        return this.pull(c.serverCode, c.projectCode);
      case 'clone':
        return this.clone(c.protocol, c.seqno);
      case 'clone_seqno':
        return this.cloneSeqno(c.seqno);
      case 'cookie':
        return this.cookie(c.value);
      case 'reqconfig':
        return this.reqconfig(c.name);
      case 'private':
        return this.markNextPrivate();
      case 'message':
        return this.message(c.text);
      case 'error':
        return this.error(c.text);
      case 'uvigot':
        return this.uvigot(c.name, c.mtime, c.hash, c.size);
      case 'uvgimme':
        return this.uvgimme(c.name);
      case 'comment':
        return this.comment(c.text);
      case 'blank':
        return this;
      case 'unknown':
        // A name starting with # was not in column 0 when read; written there it would be a comment.
        if (c.name.startsWith('#')) throw new CardWriterError(`card name ${quote(c.name)} would be read back as a comment`);
        return this.line([c.name, ...c.args].map((t) => this.token(c.name, 'token', t)).join(' '));
    }
  }

  /** The message so far as one buffer (the single copy of every payload). */
  finish(): Uint8Array {
    this.flush();
    return concat(this.parts);
  }

  private line(s: string): this {
    if (s !== '') this.cards++;
    const l = `${s}\n`;
    this.pending.push(l);
    this.pendingBytes += utf8Length(l);
    return this;
  }

  private payload(p: Uint8Array): this {
    this.flush();
    this.parts.push(p);
    this.doneBytes += p.length;
    return this;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = utf8(this.pending.join(''));
    this.parts.push(bytes);
    this.doneBytes += bytes.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private token(card: string, what: string, s: string): string {
    if (s === '' || hasSpace(s)) {
      throw new CardWriterError(`${card}: ${what} ${quote(s)} must be one non-empty token without whitespace`);
    }
    return s;
  }

  private fossilized(card: string, what: string, s: string): string {
    if (s === '') throw new CardWriterError(`${card}: ${what} must not be empty`);
    return fossilize(s);
  }

  private hashName(card: string, s: string): string {
    const h = normalizeHashName(s);
    if (h === undefined) throw new CardWriterError(`${card}: ${quote(s)} is not a 40 or 64 digit hex artifact name`);
    return h;
  }

  private hashOrDash(card: string, s: string | null): string {
    return s === null ? '-' : this.hashName(card, s);
  }

  private count(card: string, what: string, n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) throw new CardWriterError(`${card}: ${what} must be a non-negative integer, got ${n}`);
    return n;
  }

  private codes(card: string, serverCode: string, projectCode: string): string {
    if (normalizeHashName(projectCode) === undefined) {
      throw new CardWriterError(`${card}: project code ${quote(projectCode)} is not a 40 or 64 digit hex code`);
    }
    return `${this.token(card, 'server code', serverCode)} ${projectCode}`;
  }
}
