/**
 * A repository to attack, on either Db adapter, and the tools of the attacker: signed requests
 * built card by card (or from raw text the writer would refuse to make), and a full dump of
 * every table to show that a refused request changed nothing.
 */
import type { Db } from '../../src/db/db.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { readAllCards } from '../../src/sync/card-parser.ts';
import { CardWriter } from '../../src/sync/card-writer.ts';
import { decodeBody } from '../../src/sync/envelope.ts';
import { randomNonceSalt, signPayload } from '../../src/sync/login.ts';
import { VERSION_ARGS } from '../../src/sync/peer-version.ts';
import type { WireMessage } from '../../src/sync/transport.ts';
import type { Adapter } from '../helpers/dbs.ts';

export const BOB = { user: 'bob', password: 'bobpw' }; // gio: clone, read, write
export const RITA = { user: 'rita', password: 'ritapw' }; // go: read only
export const CAROL = { user: 'carol', password: 'carolpw' }; // giox: also private

let clock = Date.parse('2025-03-01T09:00:00Z');
const nextDate = () => new Date((clock += 60_000));

export function commit(repo: Repository, files: Record<string, string>, comment: string, isPrivate = false) {
  const parent = repo.db.value<number>("SELECT objid FROM event WHERE type='ci' AND objid NOT IN private ORDER BY mtime DESC LIMIT 1")!;
  const list = new Map(filesOfCheckin(repo, parent).map((f) => [f.name, { name: f.name, uuid: f.uuid } as { name: string; uuid?: string; content?: Uint8Array }]));
  for (const [name, text] of Object.entries(files)) list.set(name, { name, content: utf8(text) });
  return createCheckin(repo, { parent, files: [...list.values()], comment, user: 'bob', date: nextDate(), isPrivate });
}

/** The text of the private file, to look for in replies. */
export const SECRET = 'top secret: the launch codes are 0000\n';

export async function targetRepo(adapter: Adapter): Promise<Repository> {
  const db: Db = await adapter.open();
  const repo = Repository.create(db, { crosslinker: crosslinkerFactory, adminUser: 'alice', projectName: 'target', date: nextDate() });
  repo.users.add(BOB.user, { password: BOB.password, caps: 'gio' });
  repo.users.add(RITA.user, { password: RITA.password, caps: 'go' });
  repo.users.add(CAROL.user, { password: CAROL.password, caps: 'giox' });
  repo.users.setCaps('nobody', '');
  repo.users.setCaps('anonymous', '');
  commit(repo, { 'README.md': '# target\n'.repeat(20), 'src/a.c': 'int a;\n'.repeat(40) }, 'first');
  commit(repo, { 'src/a.c': 'int a = 1;\n'.repeat(40) }, 'second');
  commit(repo, { 'secret.txt': SECRET }, 'private work', true);
  repo.db.exec('DELETE FROM unsent');
  return repo;
}

/** Every table, every row, in a stable order: equal dumps mean an unchanged repository. */
export function fullDump(db: Db): string {
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).column<string>();
  const out: string[] = [];
  for (const t of tables) {
    out.push(`== ${t}`);
    const rows = db.all(`SELECT * FROM "${t}"`).map((row) =>
      JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? String(v) : v)));
    out.push(...rows.sort());
  }
  return out.join('\n');
}

/** A request signed by login: the cards, then a random comment, as our client writes them. */
export function signed(repo: Repository, login: { user: string; password: string }, cards: (w: CardWriter) => void): Uint8Array {
  const w = new CardWriter();
  w.pragma('client-version', ...VERSION_ARGS);
  cards(w);
  w.comment(randomNonceSalt());
  return signPayload(w.finish(), { ...login, projectCode: repo.projectCode });
}

/** A signed request whose cards after `push` are given as raw bytes. */
export function signedRaw(repo: Repository, login: { user: string; password: string }, tail: Uint8Array): Uint8Array {
  const head = utf8(`pragma client-version ${VERSION_ARGS.join(' ')}\npush x ${repo.projectCode}\n`);
  const body = new Uint8Array(head.length + tail.length);
  body.set(head);
  body.set(tail, head.length);
  return signPayload(body, { ...login, projectCode: repo.projectCode });
}

export function cardsOf(reply: WireMessage) {
  return readAllCards(decodeBody(reply.body, reply.contentType).text);
}

export function errorsOf(reply: WireMessage): string[] {
  return cardsOf(reply).flatMap((c) => (c.kind === 'error' ? [c.text] : []));
}

export function replyText(reply: WireMessage): string {
  return new TextDecoder('latin1').decode(decodeBody(reply.body, reply.contentType).text);
}

/**
 * `prefix` followed by n igot cards with distinct SHA1-sized names, built as bytes (a million
 * cards is ~46 MB; joining strings that size costs seconds).
 */
export function igotCards(n: number, prefix = ''): Uint8Array {
  const head = utf8(prefix);
  const line = utf8(`igot ${'0'.repeat(40)}\n`);
  const out = new Uint8Array(head.length + n * line.length);
  out.set(head);
  const hex = utf8('0123456789abcdef');
  for (let i = 0; i < n; i++) {
    const at = head.length + i * line.length;
    out.set(line, at);
    // i in hex at the end of the 40 digits.
    for (let v = i, k = at + line.length - 2; v > 0; v >>>= 4, k--) out[k] = hex[v & 15]!;
  }
  return out;
}
