// The card codec on hand-made messages: every card kind, the lexical rules, clear errors for
// truncated, oversized and malformed messages, limits, and writer/parser agreement.
import { describe, expect, it } from 'vitest';
import { concat, latin1, utf8 } from '../../src/fossil/bytes.ts';
import {
  CardParseError,
  CardReader,
  CardWriter,
  CardWriterError,
  DEFAULT_CARD_LIMITS,
  parseCards,
  readAllCards,
  type XferCard,
} from '../../src/sync/cards.ts';

const H1 = 'a'.repeat(40);
const H2 = 'b'.repeat(64);
const PC = '12f95ff3773627f702186e413fc285f8b603da9a';

const parse = (s: string | Uint8Array) => readAllCards(typeof s === 'string' ? utf8(s) : s);
/** Cards without their position, for comparing contents. */
const strip = (cards: XferCard[]) => cards.map(({ line: _l, offset: _o, ...rest }) => rest);

describe('card parser: every card kind', () => {
  it('reads each kind into its typed form', () => {
    const msg = concat([
      utf8(`file ${H1} 3\nabc`),
      utf8(`file ${H2} ${H1.toUpperCase()} 2\nxy`),
      utf8(`cfile ${H1} 100 4\n\0\0\0d\n`),
      utf8(`cfile ${H2} ${H1} 100 2\nzz`),
      utf8(`config /config 5\nhello\n`),
      utf8(`uvfile dl/a.txt 1795213467 ${H2} 3 0\nabc`),
      utf8(`uvfile gone.txt 1795213467 - 0 1\n`),
      utf8(`uvfile big.bin 1795213467 ${H1} 99 4\n`),
      utf8(`igot ${H1}\nigot ${H2} 1\nigot ${H1} 0\n`),
      utf8(`gimme ${H1.toUpperCase()}\n`),
      utf8(`login bob\\sb ${H1} ${H1}\n`),
      utf8(`pragma client-version 22100 20230226 192424\npragma send-private\n`),
      utf8(`pragma link https://x/y a\\sb 1795213467\npragma ci-lock-fail a\\sb 17\n`),
      utf8(`push 579c ${PC}\npull 579c ${PC}\nclone\nclone 3 1\nclone_seqno 0\n`),
      utf8(`cookie abc\nreqconfig /all\nprivate\nmessage pull\\sonly\nerror not\\sauthorized\\sto\\sclone\n`),
      utf8(`uvigot dl/uv1.txt 1795213467 ${H2} 11\nuvigot x 5 - 0\nuvgimme dl/uv1.txt\n`),
      utf8(`# timestamp 2026-11-20T22:22:45 errors 0\n#bare\n`),
      utf8(`\n  \t\r\nfrobnicate a b\n`),
    ]);
    expect(strip(parse(msg))).toEqual([
      { kind: 'file', hash: H1, size: 3, payload: utf8('abc') },
      { kind: 'file', hash: H2, src: H1, size: 2, payload: utf8('xy') },
      { kind: 'cfile', hash: H1, usize: 100, csize: 4, payload: utf8('\0\0\0d') },
      { kind: 'blank', afterPayload: true },
      { kind: 'cfile', hash: H2, src: H1, usize: 100, csize: 2, payload: utf8('zz') },
      { kind: 'config', name: '/config', size: 5, payload: utf8('hello') },
      { kind: 'uvfile', name: 'dl/a.txt', mtime: 1795213467, hash: H2, size: 3, flags: 0, payload: utf8('abc') },
      { kind: 'uvfile', name: 'gone.txt', mtime: 1795213467, hash: null, size: 0, flags: 1 },
      { kind: 'uvfile', name: 'big.bin', mtime: 1795213467, hash: H1, size: 99, flags: 4 },
      { kind: 'igot', hash: H1, isPrivate: false },
      { kind: 'igot', hash: H2, isPrivate: true },
      { kind: 'igot', hash: H1, isPrivate: false },
      { kind: 'gimme', hash: H1 },
      { kind: 'login', user: 'bob b', nonce: H1, signature: H1, tailOffset: expect.any(Number) },
      { kind: 'pragma', name: 'client-version', args: ['22100', '20230226', '192424'] },
      { kind: 'pragma', name: 'send-private', args: [] },
      { kind: 'pragma', name: 'link', args: ['https://x/y', 'a b', '1795213467'] },
      { kind: 'pragma', name: 'ci-lock-fail', args: ['a b', '17'] },
      { kind: 'push', serverCode: '579c', projectCode: PC },
      { kind: 'pull', serverCode: '579c', projectCode: PC },
      { kind: 'clone' },
      { kind: 'clone', protocol: 3, seqno: 1 },
      { kind: 'clone_seqno', seqno: 0 },
      { kind: 'cookie', value: 'abc' },
      { kind: 'reqconfig', name: '/all' },
      { kind: 'private' },
      { kind: 'message', text: 'pull only' },
      { kind: 'error', text: 'not authorized to clone' },
      { kind: 'uvigot', name: 'dl/uv1.txt', mtime: 1795213467, hash: H2, size: 11 },
      { kind: 'uvigot', name: 'x', mtime: 5, hash: null, size: 0 },
      { kind: 'uvgimme', name: 'dl/uv1.txt' },
      { kind: 'comment', text: 'timestamp 2026-11-20T22:22:45 errors 0' },
      { kind: 'comment', text: 'bare' },
      { kind: 'blank', afterPayload: false },
      { kind: 'blank', afterPayload: false },
      { kind: 'unknown', name: 'frobnicate', args: ['a', 'b'] },
    ]);
  });

  it('gives each card its physical line and byte offset, counting lines inside payloads', () => {
    const msg = utf8(`pragma x\nfile ${H1} 4\na\nb\nigot ${H1}\n`);
    const cards = parse(msg);
    expect(cards.map((c) => [c.kind, c.line, c.offset])).toEqual([
      ['pragma', 1, 0],
      ['file', 2, 9],
      ['igot', 5, 9 + 48 + 4],
    ]);
  });

  it('points the login tail just past the login line', () => {
    const msg = utf8(`login u ${H1} ${H1}\npragma x\n`);
    const [login] = parse(msg);
    expect(login?.kind === 'login' && latin1(msg, login.tailOffset)).toBe('pragma x\n');
  });

  it('splits on any whitespace, keeps six tokens, and tolerates CRLF', () => {
    expect(strip(parse(`gimme\t${H1}\r\n`))).toEqual([{ kind: 'gimme', hash: H1 }]);
    expect(strip(parse(`pragma a 1 2 3 4 5 6 7\r\n`))).toEqual([{ kind: 'pragma', name: 'a', args: ['1', '2', '3', '4'] }]);
    expect(strip(parse(`igot ${H1} 1 x y z w v u\n`))).toEqual([{ kind: 'igot', hash: H1, isPrivate: true }]);
    expect(strip(parse('# crlf comment\r\n'))).toEqual([{ kind: 'comment', text: 'crlf comment' }]);
  });

  it('reads a last line without a newline', () => {
    expect(strip(parse(`clone_seqno 7`))).toEqual([{ kind: 'clone_seqno', seqno: 7 }]);
    expect(strip(parse(`config /x 2\nab`))).toEqual([{ kind: 'config', name: '/x', size: 2, payload: utf8('ab') }]);
  });

  it('returns payloads as views into the message, not copies', () => {
    const msg = utf8(`file ${H1} 3\nabc`);
    const [card] = parse(msg);
    expect(card?.kind === 'file' && card.payload.buffer).toBe(msg.buffer);
  });

  it('treats # as a comment only in column 0, and keeps a byte-order mark in tokens', () => {
    expect(strip(parse(' # x\n'))).toEqual([{ kind: 'unknown', name: '#', args: ['x'] }]);
    const bom = concat([new Uint8Array([0xef, 0xbb, 0xbf]), utf8(`file ${H1} 1\n`)]);
    expect(strip(parse(bom))).toEqual([{ kind: 'unknown', name: '\ufefffile', args: [H1, '1'] }]);
  });

  it('leaves nonce and signature unchecked: a bad one fails the login, not the parse', () => {
    expect(strip(parse('login bob x y\n'))).toEqual([{ kind: 'login', user: 'bob', nonce: 'x', signature: 'y', tailOffset: 14 }]);
  });

  it('reads card names case-sensitively, as upstream', () => {
    expect(strip(parse(`GIMME ${H1}\n`))).toEqual([{ kind: 'unknown', name: 'GIMME', args: [H1] }]);
  });

  it('streams: a reader stops at the first error, after yielding the cards before it', () => {
    const seen: string[] = [];
    expect(() => {
      for (const c of parseCards(utf8(`pragma a\nigot ${H1}\ngimme zz\npragma b\n`))) seen.push(c.kind);
    }).toThrow(CardParseError);
    expect(seen).toEqual(['pragma', 'igot']);
    const r = new CardReader(utf8('pragma a\n'));
    expect(r.next()?.kind).toBe('pragma');
    expect(r.position).toBe(9);
    expect(r.next()).toBeUndefined();
  });
});

describe('card parser: errors name the card and the line', () => {
  const cases: [string, string | Uint8Array, string][] = [
    ['truncated file payload', `pragma a\nfile ${H1} 26\nshort`, 'truncated file card (line 2): needs 26 bytes, 5 left'],
    ['truncated cfile payload', `cfile ${H1} 10 8\n\0\0`, 'truncated cfile card (line 1): needs 8 bytes, 2 left'],
    ['truncated config payload', `config /config 41\n12`, 'truncated config card (line 1): needs 41 bytes, 2 left'],
    ['truncated uvfile payload', `uvfile a 1 ${H1} 11 0\n`, 'truncated uvfile card (line 1): needs 11 bytes, 0 left'],
    ['file size not a number', `file ${H1} 12x\n`, 'file card (line 1): size "12x" is not a decimal number'],
    ['negative size', `file ${H1} -1\n`, 'file card (line 1): size "-1" is not a decimal number'],
    ['huge size', `file ${H1} 99999999999999999999\n`, 'file card (line 1): size "99999999999999999999" is not a decimal number'],
    ['cfile csize not a number', `cfile ${H1} 1 z\n`, 'cfile card (line 1): compressed size "z" is not a decimal number'],
    ['cfile usize not a number', `cfile ${H1} u 1\n`, 'cfile card (line 1): uncompressed size "u" is not a decimal number'],
    ['bad file hash', `file xyz 1\n`, 'file card (line 1): hash "xyz" is not a 40 or 64 digit hex artifact name'],
    ['bad delta source', `file ${H1} ${'g'.repeat(40)} 1\n`, `file card (line 1): delta source "${'g'.repeat(40)}" is not a 40 or 64 digit hex artifact name`],
    ['41-digit hash', `gimme ${H1}a\n`, `gimme card (line 1): hash "${H1}a" is not a 40 or 64 digit hex artifact name`],
    ['bad igot hash', `# c\nigot 123\n`, 'igot card (line 2): hash "123" is not a 40 or 64 digit hex artifact name'],
    ['bad uvfile hash', `uvfile a 1 xx 0 1\n`, 'uvfile card (line 1): hash "xx" is not a 40 or 64 digit hex artifact name'],
    ['bad uvfile mtime', `uvfile a 1.5 - 0 1\n`, 'uvfile card (line 1): mtime "1.5" is not a decimal number'],
    ['bad uv name', concat([utf8('uvgimme '), new Uint8Array([0xff, 0xfe]), utf8('\n')]), 'uvgimme card (line 1): name "\ufffd\ufffd" is not valid UTF-8'],
    ['bad project code', `pull 579c 12f9\n`, 'pull card (line 1): project code "12f9" is not a 40 or 64 digit hex code'],
    ['file too few args', `file ${H1}\n`, 'file card (line 1): expects 2 to 3 arguments, got 1'],
    ['file too many args', `file ${H1} ${H1} ${H1} 1\n`, 'file card (line 1): expects 2 to 3 arguments, got 4'],
    ['cfile too few args', `cfile ${H1} 1\n`, 'cfile card (line 1): expects 3 to 4 arguments, got 2'],
    ['gimme too many args', `gimme ${H1} ${H1}\n`, 'gimme card (line 1): expects 1 argument, got 2'],
    ['igot no args', `igot\n`, 'igot card (line 1): expects at least 1 argument, got 0'],
    ['login too few args', `login bob ${H1}\n`, 'login card (line 1): expects 3 arguments, got 2'],
    ['pragma no name', `pragma\n`, 'pragma card (line 1): expects at least 1 argument, got 0'],
    ['private with args', `private 1\n`, 'private card (line 1): expects 0 arguments, got 1'],
    ['clone half args', `clone 3\n`, 'clone card (line 1): expects no arguments or PROTOCOL SEQNO, got 1 argument'],
    ['clone bad seqno', `clone 3 x\n`, 'clone card (line 1): sequence number "x" is not a decimal number'],
    ['message with two words', `message a b\n`, 'message card (line 1): expects 1 argument, got 2'],
    ['uvfile too few args', `uvfile a 1 - 0\n`, 'uvfile card (line 1): expects 5 arguments, got 4'],
    ['config not followed by newline', `config /x 2\nabX`, 'config card (line 1): payload is not followed by a newline'],
    ['error after payload lines', `file ${H1} 4\na\nb\ngimme 1\n`, 'gimme card (line 4): hash "1" is not a 40 or 64 digit hex artifact name'],
  ];
  it.each(cases)('%s', (_name, input, message) => {
    let err: unknown;
    try {
      parse(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CardParseError);
    expect((err as Error).message).toBe(message);
    const card = message.replace(/^truncated /, '').split(' ')[0];
    expect((err as CardParseError).card).toBe(card);
    expect((err as CardParseError).line).toBe(Number(/line (\d+)/.exec(message)![1]));
  });
});

describe('card parser: limits', () => {
  it('has sane defaults', () => {
    expect(DEFAULT_CARD_LIMITS.maxPayloadSize).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(DEFAULT_CARD_LIMITS.maxCards).toBeGreaterThanOrEqual(100_000);
  });

  it('refuses a payload over the size limit before looking for its bytes', () => {
    expect(() => readAllCards(utf8(`file ${H1} 4000000000\n`))).toThrow(
      `file card (line 1): payload of 4000000000 bytes is over the limit of ${DEFAULT_CARD_LIMITS.maxPayloadSize}`,
    );
    expect(() => readAllCards(utf8(`file ${H1} 3\nabc`), { maxPayloadSize: 2 })).toThrow('file card (line 1): payload of 3 bytes is over the limit of 2');
    expect(readAllCards(utf8(`file ${H1} 3\nabc`), { maxPayloadSize: 3 })).toHaveLength(1);
  });

  it('refuses more cards than allowed', () => {
    const msg = utf8(`igot ${H1}\n`.repeat(5));
    expect(readAllCards(msg, { maxCards: 5 })).toHaveLength(5);
    expect(() => readAllCards(msg, { maxCards: 4 })).toThrow('message has more than 4 cards (line 5)');
  });

  it('refuses over-long lines', () => {
    expect(() => readAllCards(utf8(`pragma ${'x'.repeat(100)}\n`), { maxLineLength: 50 })).toThrow('line 1 is longer than 50 bytes');
  });
});

describe('card writer', () => {
  it('writes every card kind as the parser reads it back', () => {
    const w = new CardWriter()
      .file(H1, utf8('abc'))
      .file(H2.toUpperCase(), utf8('xy'), H1)
      .cfile(H1, 100, utf8('\0\0\0d'))
      .cfile(H2, 100, utf8('zz'), H1)
      .config('/config', utf8('hello'))
      .uvfile({ name: 'dl/a.txt', mtime: 1795213467, hash: H2, size: 3, flags: 0, payload: utf8('abc') })
      .uvfile({ name: 'gone.txt', mtime: 1795213467, hash: null, size: 0, flags: 1 })
      .igot(H1)
      .igot(H2, true)
      .gimme(H1)
      .login('bob b', H1, H1)
      .pragma('client-version', '22100', '20230226', '192424')
      .pragma('link', 'https://x/y', 'a b', '1795213467')
      .push('579c', PC)
      .pull('579c', PC)
      .clone()
      .clone(3, 1)
      .cloneSeqno(0)
      .cookie('abc')
      .reqconfig('/all')
      .markNextPrivate()
      .message('pull only')
      .error('not authorized to clone')
      .uvigot('dl/uv1.txt', 1795213467, null, 0)
      .uvgimme('dl/uv1.txt')
      .comment('timestamp 2026-11-20T22:22:45 errors 0')
      .comment('');
    const bytes = w.finish();
    expect(w.byteLength).toBe(bytes.length);
    const text = latin1(bytes);
    expect(text).toContain(`file ${H2} ${H1} 2\nxy`);
    expect(text).toContain('config /config 5\nhello\n');
    expect(text).toContain('login bob\\sb ');
    expect(text).toContain('pragma link https://x/y a\\sb 1795213467\n');
    expect(text).toContain('message pull\\sonly\nerror not\\sauthorized\\sto\\sclone\n');
    expect(text).toContain('uvigot dl/uv1.txt 1795213467 - 0\n');
    expect(text.endsWith('# timestamp 2026-11-20T22:22:45 errors 0\n#\n')).toBe(true);
    expect(text).not.toMatch(/\n\n(?!$)/);
    const again = new CardWriter();
    for (const c of readAllCards(bytes)) again.card(c);
    expect(again.finish()).toEqual(bytes);
  });

  it('puts the newline after a cfile payload only when asked, and only when needed', () => {
    const server = new CardWriter({ newlineAfterCfile: true }).cfile(H1, 1, utf8('ab')).cfile(H1, 1, utf8('a\n')).finish();
    expect(latin1(server)).toBe(`cfile ${H1} 1 2\nab\ncfile ${H1} 1 2\na\n`);
    expect(latin1(new CardWriter().cfile(H1, 1, utf8('ab')).finish())).toBe(`cfile ${H1} 1 2\nab`);
  });

  it('never writes a blank line, even when asked to copy one', () => {
    const cards = readAllCards(utf8('pragma a\n\n  \npragma b\n'));
    const w = new CardWriter();
    for (const c of cards) w.card(c);
    expect(latin1(w.finish())).toBe('pragma a\npragma b\n');
  });

  it('keeps byteLength exact with multi-byte text', () => {
    const w = new CardWriter().message('grüße 😀').comment('ü');
    expect(w.byteLength).toBe(w.finish().length);
  });

  const bad: [string, (w: CardWriter) => unknown, RegExp][] = [
    ['bad hash', (w) => w.gimme('xyz'), /gimme: "xyz" is not a 40 or 64 digit hex artifact name/],
    ['bad delta source', (w) => w.file(H1, new Uint8Array(), 'x'), /file: "x" is not a 40 or 64/],
    ['token with space', (w) => w.cookie('a b'), /cookie: value "a b" must be one non-empty token without whitespace/],
    ['empty token', (w) => w.reqconfig(''), /reqconfig: name "" must be one non-empty token/],
    ['empty message', (w) => w.message(''), /message: text must not be empty/],
    ['negative count', (w) => w.cloneSeqno(-1), /clone_seqno: seqno must be a non-negative integer, got -1/],
    ['fractional count', (w) => w.cfile(H1, 1.5, new Uint8Array()), /cfile: usize must be a non-negative integer/],
    ['half a clone', (w) => w.clone(3), /clone: give both protocol and seqno, or neither/],
    ['multi-line comment', (w) => w.comment('a\nb'), /comment: text must be a single line/],
    ['bad project code', (w) => w.push('sc', 'nothex'), /push: project code "nothex" is not a 40 or 64 digit hex code/],
    ['too many pragma args', (w) => w.pragma('x', '1', '2', '3', '4', '5'), /pragma: at most 4 arguments fit on a card line, got 5/],
    ['uvfile missing payload', (w) => w.uvfile({ name: 'a', mtime: 1, hash: H1, size: 3, flags: 0 }), /uvfile: a payload must be given exactly when/],
    ['uvfile extra payload', (w) => w.uvfile({ name: 'a', mtime: 1, hash: null, size: 0, flags: 1, payload: utf8('x') }), /uvfile: a payload must be given/],
    ['uvfile size mismatch', (w) => w.uvfile({ name: 'a', mtime: 1, hash: H1, size: 3, flags: 0, payload: utf8('ab') }), /uvfile: size 3 but the payload has 2 bytes/],
    ['uv name with space', (w) => w.uvgimme('a b'), /uvgimme: name "a b" must be one non-empty token/],
    ['comment ending in CR', (w) => w.comment('a\r'), /comment: text must be a single line not ending in CR/],
    ['unknown card that would read as a comment', (w) => w.card({ kind: 'unknown', name: '#', args: ['x'], line: 1, offset: 0 }), /card name "#" would be read back as a comment/],
  ];
  it.each(bad)('refuses %s', (_name, write, message) => {
    expect(() => write(new CardWriter())).toThrow(CardWriterError);
    expect(() => write(new CardWriter())).toThrow(message);
  });
});
