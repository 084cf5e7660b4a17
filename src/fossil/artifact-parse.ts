/**
 * Parsing structural artifacts, following manifest.c manifest_parse (spec 5): the same
 * acceptance rules, so that we and fossil agree on which blobs are artifacts and what they say.
 * Anything malformed throws an ArtifactError naming the line, the card and the problem; nothing
 * is half-accepted.
 *
 * Deliberate differences from upstream, all on inputs no fossil version writes: a NUL byte
 * outside W text is an error (C would split the token there), and a repeated P or Z card is an
 * error (upstream would merge the P lines and ignore the first Z).
 *
 * Tokens are byte positions (artifact-text.ts), turned into strings only when kept: a manifest
 * of a large tree holds thousands of F cards, and a repository thousands of manifests.
 */
import type { Artifact, ArtifactType, CherrypickCard, TagCard, TicketField } from './artifact-types.ts';
import {
  ArtifactError, compareByteRanges, compareBytes, defossilizeBytes, isHashToken, isHex, isReservedName, isSimplePath, isWikiName,
} from './artifact-checks.ts';
import { CARD_SETS, SINGLE_CARDS, TYPE_NAMES, TYPE_SETTING_CARDS } from './artifact-rules.ts';
import { ArtifactText } from './artifact-text.ts';
import { attachFileLines, compareNameBytes, fileCardAt, nameAt, nextLinesSerial, type FileLines, type LinesAgainst } from './file-lines.ts';
import { sameLines } from './line-runs.ts';
import { signedTextRange } from './clearsign.ts';
import { decodeLossless } from './utf8-lossless.ts';
import { latin1 } from './bytes.ts';
import { julianDay } from './julian.ts';
import { md5Hex } from './hash.ts';

const NL = 0x0a;
const SP = 0x20;
const Z_LINE = 35; // "Z " + 32 hex digits + "\n"

function isUpper(c: number | undefined): boolean {
  return c !== undefined && c >= 0x41 && c <= 0x5a;
}

function shown(b: Uint8Array): string {
  const s = JSON.stringify(decodeLossless(b.subarray(0, 80)));
  return b.length > 80 ? `${s}…` : s;
}

/**
 * Checking a Z card later, elsewhere: called with the text the checksum covers and the checksum
 * (32 lowercase hex digits). Whoever passes one promises to compute the MD5 before trusting what
 * was parsed, and to treat a mismatch as upstream does, as if the parse had failed (a clone's
 * linker hands it to the hashing thread, and rebuilds from scratch on a mismatch).
 */
export type DeferredZCheck = (covered: Uint8Array, checksum: string) => void;

/**
 * Reject text that ends with a Z line whose checksum is wrong, before parsing anything (as
 * upstream does), or hand the check to `deferred`. A missing Z card is reported later, as a
 * missing required card.
 */
function checkZCard(body: Uint8Array, deferred?: DeferredZCheck): void {
  const n = body.length;
  if (n < Z_LINE || body[n - Z_LINE] !== 0x5a || body[n - Z_LINE + 1] !== SP) return;
  const covered = body.subarray(0, n - Z_LINE);
  const found = latin1(body, n - 33, n - 1);
  // Only a well-formed checksum can wait: anything else fails now, as it would then.
  if (deferred && /^[0-9a-f]{32}$/.test(found)) {
    deferred(covered, found);
    return;
  }
  const expected = md5Hex(covered);
  if (found !== expected) {
    throw new ArtifactError(`Z card checksum ${JSON.stringify(found)} does not match the content (MD5 ${expected})`);
  }
}

class Parser {
  private readonly text: ArtifactText;
  private pos = 0;
  private atEol = true;
  /** The token read last: [ts, te). */
  private ts = 0;
  private te = 0;
  private cardStart = 0;
  private letter = '';
  private prevLetter = '';
  private seen = new Set<string>();
  private type: ArtifactType | undefined;
  private selfTags = 0;
  private simpleTags = 0;
  /** The last F card's name, unescaped: bytes [lastNameStart, lastNameEnd) of lastName. */
  private lastName: Uint8Array | undefined;
  private lastNameStart = 0;
  private lastNameEnd = 0;
  /** Where the F lines are, whether one names a file, and whether all are plain (file-lines.ts). */
  private filesStart = -1;
  private filesEnd = -1;
  private anyFile = false;
  private filesPlain = true;
  private allHashed = true;
  /** Set when a reference guided the F lines (fileSection). */
  private against: LinesAgainst | undefined;
  private reservedCount = 0;
  private lastTag: { name: Uint8Array; target: Uint8Array | null } | undefined;
  private lastMember: string | undefined;
  private lastField: Uint8Array | undefined;
  /** Whether the F card just read named a reserved file (and so was set aside). */
  private lastCardWasReserved = false;
  /** The result being built; its type is settled in finish(). */
  readonly a: Artifact = { type: 'control', files: [], fields: [], members: [], parents: [], cherrypicks: [], tags: [] };

  constructor(
    private readonly body: Uint8Array,
    /** Lines before the body (PGP armor), for line numbers in messages. */
    private readonly lineOffset: number,
    /** F lines of a manifest parsed before: lines found there unchanged need no second look. */
    private readonly reference: FileLines | undefined,
  ) {
    this.text = new ArtifactText(body);
  }

  private fail(message: string): never {
    let line = this.lineOffset + 1;
    for (let i = 0; i < this.cardStart; i++) if (this.body[i] === NL) line++;
    const where = this.letter ? `line ${line}, ${this.letter} card` : `line ${line}`;
    throw new ArtifactError(`${where}: ${message}`);
  }

  /** Next card letter, or '' at the end of the input or if the current card has arguments left. */
  private nextCard(): string {
    const b = this.body;
    if (!this.atEol || this.pos >= b.length) return '';
    const c = b[this.pos]!;
    const after = b[this.pos + 1];
    if (after !== SP && after !== NL) return '';
    this.cardStart = this.pos;
    this.pos += 2;
    this.atEol = after === NL;
    return String.fromCharCode(c);
  }

  /** Next space-separated argument of the current card, as [ts, te); false at the end of the line. */
  private token(): boolean {
    if (this.atEol) return false;
    const b = this.body;
    const start = this.pos;
    // The input ends with a newline (checked before parsing), so every line has one.
    const n = b.length;
    let end = start;
    for (let c = b[end]; end < n && c !== SP && c !== NL; c = b[++end]) {
      if (c === 0) this.fail('NUL byte in card');
    }
    this.atEol = b[end] === NL;
    this.pos = end + 1;
    this.ts = start;
    this.te = end;
    return true;
  }

  /** The last token's bytes (for the rarer cards, checked as bytes). */
  private tokenBytes(): Uint8Array {
    return this.body.subarray(this.ts, this.te);
  }

  /** Next argument as bytes, or null at the end of the line. */
  private tokenOrNull(): Uint8Array | null {
    return this.token() ? this.tokenBytes() : null;
  }

  private need(what: string): void {
    if (!this.token()) this.fail(`missing ${what}`);
  }

  private needBytes(what: string): Uint8Array {
    this.need(what);
    return this.tokenBytes();
  }

  /** Next argument, which must be an artifact hash; returned as written. */
  private hash(what: string): string {
    this.need(what);
    if (!isHashToken(this.body, this.ts, this.te)) {
      this.fail(`${what} is not a valid artifact hash: ${shown(this.tokenBytes())}`);
    }
    return this.text.raw(this.ts, this.te);
  }

  /** Next argument: exactly `digits` hex digits. */
  private hexOf(digits: number, what: string): string {
    this.need(what);
    if (this.te - this.ts !== digits || !isHex(this.body, this.ts, this.te)) {
      this.fail(`${what} must be ${digits} hex digits: ${shown(this.tokenBytes())}`);
    }
    return this.text.raw(this.ts, this.te);
  }

  parse(): Artifact {
    let letter: string;
    while ((letter = this.nextCard()) !== '') {
      this.letter = letter;
      if (letter < this.prevLetter) {
        // Technotes written before 2021 put N after P; upstream still accepts that.
        if (letter === 'N' && this.prevLetter === 'P' && this.a.event) {
          (this.a.legacy ??= {}).mimetypeAfterParents = true;
        } else {
          this.fail(`cards out of order (${letter} after ${this.prevLetter})`);
        }
      }
      if (!isUpper(letter.charCodeAt(0))) this.fail('not a card letter');
      if (letter !== this.prevLetter || SINGLE_CARDS.includes(letter)) {
        if (this.seen.has(letter) && SINGLE_CARDS.includes(letter)) this.fail(`more than one ${letter} card`);
        this.seen.add(letter);
      }
      this.prevLetter = letter;
      this.card(letter);
    }
    if (this.pos < this.body.length) {
      if (!this.atEol) this.fail('too many arguments');
      this.letter = '';
      this.cardStart = this.pos;
      this.fail(`not a card: ${shown(this.body.subarray(this.pos, Math.min(this.body.length, this.pos + 40)))}`);
    }
    this.letter = '';
    return this.finish();
  }

  private card(letter: string): void {
    const a = this.a;
    const t = this.text;
    switch (letter) {
      case 'A': {
        const name = defossilizeBytes(this.needBytes('attachment file name'));
        const target = defossilizeBytes(this.needBytes('attachment target'));
        const src = this.tokenOrNull();
        if (!isSimplePath(name)) this.fail(`invalid file name ${shown(name)}`);
        if (!isHashToken(target) && !isWikiName(target)) this.fail(`invalid target ${shown(target)}`);
        if (src !== null && !isHashToken(src)) this.fail(`invalid source hash ${shown(src)}`);
        a.attachment = { filename: decodeLossless(name), target: decodeLossless(target) };
        if (src !== null) a.attachment.source = latin1(src);
        break;
      }
      case 'B':
        a.baseline = this.hash('baseline hash');
        break;
      case 'C':
        this.need('comment text');
        a.comment = t.unescaped(this.ts, this.te);
        break;
      case 'D': {
        const { date, julian } = this.date('date');
        a.date = date;
        a.julian = julian;
        break;
      }
      case 'E': {
        const { date, julian } = this.date('technote date');
        a.event = { date, julian, id: this.hash('technote id') };
        break;
      }
      case 'F': {
        const ref = this.reference;
        if (ref && this.filesStart < 0 && !this.atEol && ref.plain && ref.allHashed) this.fileSection(ref);
        else this.fileCard();
        break;
      }
      case 'G':
        a.threadRoot = this.hash('thread root hash');
        break;
      case 'H':
        this.need('thread title');
        a.threadTitle = t.unescaped(this.ts, this.te);
        break;
      case 'I':
        a.inReplyTo = this.hash('in-reply-to hash');
        break;
      case 'J':
        this.ticketField();
        break;
      case 'K':
        a.ticketId = this.hexOf(40, 'ticket id');
        break;
      case 'L': {
        const title = defossilizeBytes(this.needBytes('wiki page title'));
        if (!isWikiName(title)) this.fail(`malformed wiki page name ${shown(title)}`);
        a.wikiTitle = decodeLossless(title);
        break;
      }
      case 'M': {
        const m = this.hash('cluster member hash');
        // Hashes are ASCII, so string order is byte order.
        if (this.lastMember !== undefined && this.lastMember >= m) this.fail('cluster members not in ascending order');
        this.lastMember = m;
        a.members.push(m);
        break;
      }
      case 'N':
        this.need('mimetype');
        a.mimetype = t.unescaped(this.ts, this.te);
        break;
      case 'P': {
        while (this.token()) {
          if (!isHashToken(this.body, this.ts, this.te)) {
            this.fail(`parent is not a valid artifact hash: ${shown(this.tokenBytes())}`);
          }
          a.parents.push(t.raw(this.ts, this.te));
        }
        if (a.parents.length === 0) (a.legacy ??= {}).emptyParentCard = true;
        break;
      }
      case 'Q':
        this.cherrypick();
        break;
      case 'R':
        a.repoChecksum = this.hexOf(32, 'repository checksum');
        break;
      case 'T':
        this.tagCard();
        break;
      case 'U':
        a.user = !this.token() || this.te === this.ts ? 'anonymous' : t.unescaped(this.ts, this.te);
        break;
      case 'W':
        this.wikiText();
        break;
      case 'Z':
        a.checksum = this.hexOf(32, 'checksum');
        break;
      default:
        this.fail('unknown card');
    }
    const type = TYPE_SETTING_CARDS[letter];
    // An F card for a reserved name is ignored entirely, so it does not make a manifest.
    if (type && !(letter === 'F' && this.lastCardWasReserved)) this.type = type;
  }

  private date(what: string): { date: string; julian: number } {
    const date = this.token() ? this.text.str(this.ts, this.te) : undefined;
    const julian = date === undefined ? null : julianDay(date);
    if (julian === null || julian <= 0) this.fail(`cannot parse ${what} ${JSON.stringify(date ?? '')}`);
    return { date: date!, julian };
  }

  /**
   * The hot path of parsing a manifest: each F card is validated where it lies, and nothing is
   * made of it; the FileCard objects are made on first use from the lines (file-lines.ts).
   */
  private fileCard(): void {
    const t = this.text;
    const b = this.body;
    if (this.filesStart < 0) this.filesStart = this.cardStart;
    this.need('file name');
    const ns = this.ts;
    const ne = this.te;
    // The name's bytes, unescaped: in place unless it has escapes.
    let kb = b;
    let ks = ns;
    let ke = ne;
    if (t.hasBackslash(ns, ne)) {
      kb = defossilizeBytes(b.subarray(ns, ne));
      ks = 0;
      ke = kb.length;
    }
    if (!isSimplePath(kb, ks, ke)) this.fail(`file name is not a simple path: ${shown(kb.subarray(ks, ke))}`);
    if (this.token()) {
      if (!isHashToken(b, this.ts, this.te)) {
        this.fail(`invalid hash for ${shown(kb.subarray(ks, ke))}: ${shown(this.tokenBytes())}`);
      }
    } else {
      if (this.a.baseline === undefined) this.fail(`missing hash for ${shown(kb.subarray(ks, ke))} (only a delta-manifest may delete files)`);
      this.allHashed = false;
    }
    this.token(); // the permission: any text (fossil looks for an x or an l in it)
    if (this.token()) {
      const pb = defossilizeBytes(this.tokenBytes());
      if (!isSimplePath(pb)) this.fail(`old file name is not a simple path: ${shown(pb)}`);
      this.filesPlain = false;
    }
    // All arguments read: the line ends here, unless it has too many (an error, later).
    this.filesEnd = this.pos;
    // Byte order, as upstream's strcmp.
    const last = this.lastName;
    if (last !== undefined && compareByteRanges(last, this.lastNameStart, this.lastNameEnd, kb, ks, ke) >= 0) {
      this.fail(
        `file names not in strictly ascending order: ${shown(kb.subarray(ks, ke))} after ${shown(last.subarray(this.lastNameStart, this.lastNameEnd))}`,
      );
    }
    this.lastCardWasReserved = isReservedName(kb, ks, ke);
    if (this.lastCardWasReserved) {
      this.filesPlain = false;
      const legacy = (this.a.legacy ??= {});
      const index = countLines(b, this.cardStart, this.filesStart) - this.reservedCount++;
      (legacy.reservedFiles ??= []).push({ index, file: fileCardAt(t, this.cardStart) });
      return;
    }
    this.lastName = kb;
    this.lastNameStart = ks;
    this.lastNameEnd = ke;
    this.anyFile = true;
  }

  /**
   * All the F lines, guided by a reference manifest's: a run of lines that the reference has
   * too, byte for byte, was valid there and is valid here (each line's validity depends only on
   * its bytes, and its order within the run holds as it held there), so only its first line's
   * order after the line before is checked. Every other line goes through fileCard.
   */
  private fileSection(ref: FileLines): void {
    const t = this.text;
    const b = this.body;
    let at = this.cardStart;
    let refAt = ref.start;
    this.filesStart = at;
    let lastWasReserved = false;
    const own: number[] = [];
    const refOwn: number[] = [];
    const refLineEnd = (at: number) => ref.text.lineEnd(at) + 1;
    // Each line of the section starts with "F ".
    while (b[at] === 0x46 && b[at + 1] === SP) {
      const run = refAt < ref.end ? sameLines(t, at, b.length, ref.text, refAt, ref.end) : 0;
      if (run > 0) {
        const first = nameAt(t, at);
        const last = this.lastName;
        if (last !== undefined && compareByteRanges(last, this.lastNameStart, this.lastNameEnd, first.b, first.s, first.e) >= 0) {
          this.cardStart = at;
          this.fail(`file names not in strictly ascending order: ${shown(first.b.subarray(first.s, first.e))} after ${shown(last.subarray(this.lastNameStart, this.lastNameEnd))}`);
        }
        const end = nameAt(t, b.lastIndexOf(NL, at + run - 2) + 1);
        this.lastName = end.b;
        this.lastNameStart = end.s;
        this.lastNameEnd = end.e;
        this.anyFile = true;
        lastWasReserved = false;
        at += run;
        refAt += run;
        continue;
      }
      // A line of its own: where does it go in the reference's order?
      const key = nameAt(t, at);
      own.push(at);
      while (refAt < ref.end && compareNameBytes(key, nameAt(ref.text, refAt)) > 0) {
        refOwn.push(refAt);
        refAt = refLineEnd(refAt);
      }
      this.cardStart = at;
      this.pos = at + 2;
      this.atEol = false;
      this.fileCard();
      if (!this.atEol) this.fail('too many arguments');
      lastWasReserved = this.lastCardWasReserved;
      at = this.pos;
      // The reference's line of the same name is used up.
      if (refAt < ref.end && compareNameBytes(key, nameAt(ref.text, refAt)) === 0) {
        refOwn.push(refAt);
        refAt = refLineEnd(refAt);
      }
    }
    for (; refAt < ref.end; refAt = refLineEnd(refAt)) refOwn.push(refAt);
    this.against = { ref: ref.serial, own, refOwn };
    this.filesEnd = at;
    this.pos = at;
    this.atEol = true;
    this.lastCardWasReserved = lastWasReserved && !this.anyFile;
  }

  private ticketField(): void {
    const nameTok = this.needBytes('field name');
    const valueTok = this.tokenOrNull();
    if (this.lastField && compareBytes(this.lastField, nameTok) >= 0) {
      this.fail(`field names not in strictly ascending order: ${shown(nameTok)} after ${shown(this.lastField)}`);
    }
    this.lastField = nameTok;
    // The name is not fossilized (upstream writes it raw); only the value is.
    const raw = decodeLossless(nameTok);
    const field: TicketField = {
      name: raw.startsWith('+') ? raw.slice(1) : raw,
      value: valueTok === null ? '' : decodeLossless(defossilizeBytes(valueTok)),
      append: raw.startsWith('+'),
    };
    if (valueTok === null) field.noValue = true;
    this.a.fields.push(field);
  }

  private cherrypick(): void {
    const t = this.needBytes('cherry-pick target');
    const op = t[0];
    if (op !== 0x2b && op !== 0x2d) this.fail(`cherry-pick target must start with '+' or '-': ${shown(t)}`);
    if (!isHashToken(t, 1)) this.fail(`invalid cherry-pick hash ${shown(t)}`);
    const q: CherrypickCard = { op: op === 0x2b ? '+' : '-', target: latin1(t, 1) };
    const base = this.tokenOrNull();
    if (base !== null) {
      if (!isHashToken(base)) this.fail(`invalid cherry-pick baseline ${shown(base)}`);
      q.baseline = latin1(base);
    }
    this.a.cherrypicks.push(q);
  }

  private tagCard(): void {
    const nameTok = this.needBytes('tag name');
    const targetTok = this.needBytes('tag target');
    const valueTok = this.tokenOrNull();
    let target: Uint8Array | null;
    if (isHashToken(targetTok)) {
      target = targetTok;
    } else if (targetTok.length === 1 && targetTok[0] === 0x2a) {
      target = null; // '*': this artifact itself
      this.selfTags++;
    } else {
      this.fail(`tag target must be an artifact hash or '*': ${shown(targetTok)}`);
    }
    const name = defossilizeBytes(nameTok);
    const op = name[0];
    if (op !== 0x2b && op !== 0x2a && op !== 0x2d) this.fail(`tag name must start with '+', '*' or '-': ${shown(name)}`);
    if (op === 0x2b) this.simpleTags++;
    if (isHex(name, 1)) this.fail(`tag name looks like a hexadecimal hash: ${shown(name)}`);
    if (this.lastTag) {
      const c = compareBytes(this.lastTag.name, name);
      // A '*' target sorts before every hash.
      const prevT = this.lastTag.target;
      const t = prevT === null ? (target === null ? 0 : -1) : target === null ? 1 : compareBytes(prevT, target);
      if (c > 0 || (c === 0 && t >= 0)) this.fail(`tags not in ascending order (by name, then target): ${shown(name)}`);
    }
    this.lastTag = { name, target };
    const tag: TagCard = {
      op: op === 0x2b ? '+' : op === 0x2a ? '*' : '-',
      name: decodeLossless(name.subarray(1)),
      target: target === null ? '*' : latin1(target),
    };
    if (valueTok !== null) tag.value = decodeLossless(defossilizeBytes(valueTok));
    this.a.tags.push(tag);
  }

  private wikiText(): void {
    const sizeTok = this.needBytes('text size');
    if (!this.atEol) this.fail('the size must be the only argument');
    // Upstream reads the leading decimal digits and ignores anything after them.
    let size = 0;
    for (let i = 0; i < sizeTok.length && sizeTok[i]! >= 0x30 && sizeTok[i]! <= 0x39; i++) {
      size = size * 10 + (sizeTok[i]! - 0x30);
      if (size > this.body.length) break;
    }
    const start = this.pos;
    // The text, its newline, and at least the start of another card must follow.
    if (start + size + 1 >= this.body.length) this.fail(`text of ${size} bytes runs past the end of the artifact`);
    if (this.body[start + size] !== NL) this.fail(`text of ${size} bytes is not followed by a newline`);
    this.a.wiki = this.body.slice(start, start + size);
    this.pos = start + size + 1;
  }

  private finish(): Artifact {
    const a = this.a;
    const type: ArtifactType =
      this.type ?? (a.comment !== undefined || this.anyFile || a.parents.length > 0 ? 'manifest' : 'control');
    a.type = type;
    const rules = CARD_SETS[type];
    for (const c of [...this.seen].sort()) {
      if (!rules.allowed.includes(c)) throw new ArtifactError(`${c} card not allowed in a ${TYPE_NAMES[type]}`);
    }
    for (const c of rules.required) {
      if (!this.seen.has(c)) throw new ArtifactError(`missing ${c} card, required in a ${TYPE_NAMES[type]}`);
    }
    if (type === 'control' && this.selfTags > 0) {
      throw new ArtifactError(`a control artifact cannot tag itself (T card with target '*')`);
    }
    if (type === 'technote') {
      if (this.selfTags !== a.tags.length) throw new ArtifactError(`technote T cards must have target '*'`);
      if (this.simpleTags !== a.tags.length) throw new ArtifactError(`technote T cards must use '+'`);
    }
    if (type === 'forum') {
      if (a.threadTitle !== undefined && a.inReplyTo !== undefined) {
        throw new ArtifactError('a forum post cannot have both an H card (title) and an I card (in reply to)');
      }
      if (a.parents.length > 1) throw new ArtifactError('a forum post has at most one parent');
    }
    if (this.filesStart >= 0) {
      attachFileLines(a, {
        text: this.text, start: this.filesStart, end: this.filesEnd, plain: this.filesPlain, allHashed: this.allHashed,
        serial: nextLinesSerial(), against: this.against,
      });
    }
    return a;
  }
}

function countLines(b: Uint8Array, end: number, start = 0): number {
  let n = 0;
  for (let i = start; i < end; i++) if (b[i] === NL) n++;
  return n;
}

/**
 * Parse a structural artifact; throws ArtifactError if the bytes are not a well-formed one.
 * `reference` (the F lines of a manifest parsed before, fileLinesOf) changes nothing in the
 * result; a check-in's lines that its reference has too are just not looked at twice.
 * `deferZ` takes the Z card's checksum to check later instead of now.
 */
export function parseArtifact(bytes: Uint8Array, reference?: FileLines, deferZ?: DeferredZCheck): Artifact {
  const n = bytes.length;
  if (n === 0) throw new ArtifactError('empty input');
  if (bytes[n - 1] !== NL) throw new ArtifactError('does not end with a newline');
  const signed = signedTextRange(bytes);
  const body = signed ? bytes.subarray(signed.start, signed.end) : bytes;
  if (body.length < 10 || !isUpper(body[0]) || body[1] !== SP) {
    throw new ArtifactError('line 1: does not start with a card');
  }
  checkZCard(body, deferZ);
  const a = new Parser(body, signed ? countLines(bytes, signed.start) : 0, reference).parse();
  if (signed) a.clearsign = { header: bytes.slice(0, signed.start), trailer: bytes.slice(signed.end) };
  return a;
}
