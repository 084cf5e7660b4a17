/**
 * Configuration transfer (configure.c): `reqconfig /GROUP` asks for a group of settings, which
 * come back as `config` cards whose payload is one record of SQL literals:
 *   MTIME PRIMARY-KEY field value field value ...
 * e.g. `1795213354 'hash-policy' value '2'`. A receiver inserts records it lacks and updates
 * the ones whose incoming mtime is newer. Nothing is ever spliced into SQL: literals are parsed
 * into values and bound.
 */
import type { Db, SqlValue } from '../db/db.ts';
import { text, utf8 } from '../fossil/bytes.ts';
import type { CardWriter } from './card-writer.ts';

export const ConfigGroup = {
  CSS: 0x000001,
  SKIN: 0x000002,
  TICKET: 0x000004,
  PROJECT: 0x000008,
  SHUN: 0x000010,
  USER: 0x000020,
  ADDRESSES: 0x000040,
  XFER: 0x000080,
  ALIAS: 0x000100,
  SUBSCRIBER: 0x000200,
  INTERWIKI: 0x000400,
  ALL: 0x0007ff,
} as const;

const G = ConfigGroup;

/** Group names in upstream's order; a requested name matches the first group it is a prefix of. */
const GROUP_NAMES: readonly (readonly [string, number])[] = [
  ['/email', G.ADDRESSES],
  ['/project', G.PROJECT],
  ['/skin', G.SKIN | G.CSS],
  ['/css', G.CSS],
  ['/shun', G.SHUN],
  ['/ticket', G.TICKET],
  ['/user', G.USER],
  ['/xfer', G.XFER],
  ['/alias', G.ALIAS],
  ['/subscriber', G.SUBSCRIBER],
  ['/interwiki', G.INTERWIKI],
  ['/all', G.ALL],
];

const SKIN_SETTINGS = [
  'header', 'mainmenu', 'footer', 'details', 'js', 'logo-mimetype', 'logo-image', 'background-mimetype',
  'background-image', 'icon-mimetype', 'icon-image', 'timeline-block-markup', 'timeline-date-format',
  'timeline-default-style', 'timeline-dwelltime', 'timeline-closetime', 'timeline-max-comment',
  'timeline-plaintext', 'timeline-truncate-at-blank', 'timeline-tslink-info', 'timeline-utc', 'adunit',
  'adunit-omit-if-admin', 'adunit-omit-if-user', 'default-csp', 'sitemap-extra', 'safe-html',
];
const PROJECT_SETTINGS = [
  'project-name', 'short-project-name', 'project-description', 'index-page', 'manifest', 'binary-glob',
  'clean-glob', 'ignore-glob', 'keep-glob', 'crlf-glob', 'crnl-glob', 'encoding-glob', 'empty-dirs',
  'dotfiles', 'parent-project-code', 'parent-project-name', 'hash-policy', 'comment-format', 'mimetypes',
  'forbid-delta-manifests', 'mv-rm-files',
];
const TICKET_SETTINGS = [
  'ticket-table', 'ticket-common', 'ticket-change', 'ticket-newpage', 'ticket-viewpage', 'ticket-editpage',
  'ticket-reportlist', 'ticket-report-template', 'ticket-key-template', 'ticket-title-expr', 'ticket-closed-expr',
];
const TH1 = G.SKIN | G.TICKET | G.XFER;

/** Which group each transferable `config` setting belongs to. */
const SETTING_GROUPS: ReadonlyMap<string, number> = new Map<string, number>([
  ['css', G.CSS],
  ...SKIN_SETTINGS.map((n) => [n, G.SKIN] as [string, number]),
  ['th1-setup', TH1],
  ['th1-uri-regexp', TH1],
  ...PROJECT_SETTINGS.map((n) => [n, G.PROJECT] as [string, number]),
  ...TICKET_SETTINGS.map((n) => [n, G.TICKET] as [string, number]),
  ['user-color-map', G.USER],
  ['xfer-common-script', G.XFER],
  ['xfer-push-script', G.XFER],
  ['xfer-commit-script', G.XFER],
  ['xfer-ticket-script', G.XFER],
]);

/** The group mask a `reqconfig` name stands for (0 when it names none). */
export function configNameToMask(name: string): number {
  if (!name.startsWith('/')) return 0;
  for (const [group, mask] of GROUP_NAMES) if (group.startsWith(name)) return mask;
  return 0;
}

export interface ConfigRights {
  admin: boolean;
  readAddresses: boolean;
}

/** Drop the groups the peer may not see. */
export function allowedGroups(mask: number, r: ConfigRights): number {
  let m = mask;
  if (!r.admin) m &= ~(G.USER | G.SUBSCRIBER);
  if (!r.readAddresses) m &= ~G.ADDRESSES;
  return m;
}

interface Record_ {
  mtime: SqlValue;
  fields: [string, string][];
}

function emit(out: CardWriter, name: string, rec: string): void {
  out.config(name, utf8(rec));
}

/**
 * Write `config` cards for every record of the groups in mask (records without an mtime are
 * never sent, as upstream's `mtime>=0` filter has it). Returns how many.
 */
export function sendConfigGroups(out: CardWriter, db: Db, mask: number): number {
  let n = 0;
  const send = (name: string, rows: Record<string, SqlValue>[], key: string, fields: string[]) => {
    for (const r of rows) {
      let rec = `${r.mtime} ${r[key]}`;
      for (const f of fields) if (r[f] !== 'NULL') rec += ` ${f} ${r[f]}`;
      emit(out, name, rec);
      n++;
    }
  };
  if (mask & G.SHUN) {
    send('/shun', db.all('SELECT mtime, quote(uuid) AS k, quote(scom) AS scom FROM shun WHERE mtime>=0'), 'k', ['scom']);
  }
  if (mask & G.USER) {
    send(
      '/user',
      db.all(
        'SELECT mtime, quote(login) AS k, quote(pw) AS pw, quote(cap) AS cap, quote(info) AS info, quote(photo) AS photo, quote(jx) AS jx FROM user WHERE mtime>=0',
      ),
      'k',
      ['pw', 'cap', 'info', 'photo', 'jx'],
    );
  }
  if (mask & G.TICKET) {
    send(
      '/reportfmt',
      db.all(
        'SELECT mtime, quote(title) AS k, quote(owner) AS owner, quote(cols) AS cols, quote(sqlcode) AS sqlcode, quote(jx) AS jx FROM reportfmt WHERE mtime>=0',
      ),
      'k',
      ['owner', 'cols', 'sqlcode', 'jx'],
    );
  }
  if (mask & G.ADDRESSES) {
    send('/concealed', db.all('SELECT mtime, quote(hash) AS k, quote(content) AS content FROM concealed WHERE mtime>=0'), 'k', ['content']);
  }
  const configRows = (where: string, ...params: SqlValue[]) =>
    db.all(`SELECT mtime, quote(name) AS k, quote(value) AS value FROM config WHERE mtime>=0 AND ${where}`, ...params);
  if (mask & G.ALIAS) send('/config', configRows("name GLOB 'walias:/*'"), 'k', ['value']);
  if (mask & G.INTERWIKI) send('/config', configRows("name GLOB 'interwiki:*'"), 'k', ['value']);
  for (const [name, groups] of SETTING_GROUPS) {
    if (groups & mask) send('/config', configRows('name=?', name), 'k', ['value']);
  }
  return n;
}

// ----- receiving ------------------------------------------------------------------------------

/** Tables a `config` card may write, with their key and the fields accepted. */
const RECEIVABLE: Readonly<Record<string, { table: string; key: string; fields: readonly string[]; mask?: number }>> = {
  '/config': { table: 'config', key: 'name', fields: ['value'] },
  '/user': { table: 'user', key: 'login', fields: ['pw', 'cap', 'info', 'photo', 'jx'], mask: G.USER },
  '/shun': { table: 'shun', key: 'uuid', fields: ['scom'], mask: G.SHUN },
  '/reportfmt': { table: 'reportfmt', key: 'title', fields: ['owner', 'cols', 'sqlcode', 'jx'], mask: G.TICKET },
  '/concealed': { table: 'concealed', key: 'hash', fields: ['content'], mask: G.ADDRESSES },
};

/** Split a record into tokens: bare words, or quoted SQL strings/blobs that may hold spaces. */
function sqlTokens(s: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    if (s[i] === "'" || ((s[i] === 'x' || s[i] === 'X') && s[i + 1] === "'")) {
      i = s[i] === "'" ? i + 1 : i + 2;
      for (;;) {
        if (i >= s.length) return undefined; // unterminated string
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
    } else {
      while (i < s.length && !/\s/.test(s[i]!)) i++;
    }
    out.push(s.slice(start, i));
  }
  return out;
}

/** An SQL literal as a value, or undefined when it is not one upstream would accept. */
function literal(tok: string): SqlValue | undefined {
  if (/^'(?:[^']|'')*'$/s.test(tok)) return tok.slice(1, -1).replace(/''/g, "'");
  const blob = /^[xX]'([0-9a-fA-F]*)'$/.exec(tok);
  if (blob) {
    const hex = blob[1]!;
    if (hex.length % 2) return undefined;
    const b = new Uint8Array(hex.length / 2);
    for (let i = 0; i < b.length; i++) b[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return b;
  }
  if (/^[0-9]{1,15}$/.test(tok)) return Number(tok);
  if (/^null$/i.test(tok)) return null;
  return undefined;
}

/** The group a /config setting travels in; 0 when it is not transferable. */
function settingGroup(name: string): number {
  const g = SETTING_GROUPS.get(name);
  if (g !== undefined) return g;
  if (name.startsWith('walias:/')) return G.ALIAS;
  if (name.startsWith('interwiki:')) return G.INTERWIKI;
  return 0;
}

/**
 * Apply one received `config` card if its group is in mask (what was asked for, or what the
 * sender may push). Malformed or unknown records are ignored, as upstream does. Returns whether
 * a record was applied.
 */
export function receiveConfig(db: Db, name: string, payload: Uint8Array, mask: number, rights: ConfigRights): boolean {
  const kind = RECEIVABLE[name];
  if (!kind) return false;
  const toks = sqlTokens(text(payload));
  if (!toks || toks.length < 2) return false;
  if (!/^[0-9]{1,15}$/.test(toks[0]!)) return false;
  const mtime = Number(toks[0]);
  const key = literal(toks[1]!);
  if (key === undefined || key === null) return false;
  const rec: Record_ = { mtime, fields: [] };
  const values: SqlValue[] = [];
  for (let i = 2; i + 1 < toks.length; i += 2) {
    const field = toks[i]!;
    const value = literal(toks[i + 1]!);
    if (value === undefined) return false;
    if (!kind.fields.includes(field)) continue;
    rec.fields.push([field, toks[i + 1]!]);
    values.push(value);
  }
  const groups = allowedGroups(kind.mask ?? (typeof key === 'string' ? settingGroup(key) : 0), rights);
  if ((groups & mask) === 0) return false;

  const cols = [kind.key, 'mtime', ...rec.fields.map(([f]) => f)];
  const inserted = db.run(
    `INSERT OR IGNORE INTO "${kind.table}"(${cols.map((c) => `"${c}"`).join(',')}) VALUES(${cols.map(() => '?').join(',')})`,
    key,
    mtime,
    ...values,
  );
  if (inserted.changes === 0) {
    const sets = ['mtime=?', ...rec.fields.map(([f]) => `"${f}"=?`)].join(', ');
    db.run(`UPDATE "${kind.table}" SET ${sets} WHERE "${kind.key}"=? AND mtime<?`, mtime, ...values, key, mtime);
  }
  return true;
}
