/**
 * What `fossil init` writes into a freshly created schema: settings, default users and the
 * initial empty check-in (db.c db_initial_setup, db_create_default_users).
 */
import { toHex, utf8 } from '../fossil/bytes.ts';
import { fossilize } from '../fossil/fossilize.ts';
import { HashPolicy, md5Hex } from '../fossil/hash.ts';
import { platform } from '../platform/platform.ts';
import { unixNow } from './config.ts';
import type { Repository } from './repository.ts';
import { AUX_SCHEMA_MAX, CONTENT_SCHEMA } from './schema.ts';
import { randomPassword } from './users.ts';

/** The version string fossil 2.21 records in the `rebuilt` setting; we write the same format. */
export const FOSSIL_VERSION_STRING = '2.21 [3c53b6364e] 2023-02-26 19:24:24 UTC';

/** MD5 of nothing: the R card of a check-in without files. */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

export interface CreateOptions {
  projectName?: string;
  projectDescription?: string;
  /** Login of the setup user (default "root", fossil's choice when the environment names no one). */
  adminUser?: string;
  /** The admin's password, stored in clear text as fossil init does (default: 10 random characters). */
  adminPassword?: string;
  /** Time of the initial check-in (default now); null makes no initial check-in. */
  date?: Date | string | null;
  /** Hash policy for new artifacts (default sha3, like fossil init; `--sha1` gives sha1). */
  hashPolicy?: HashPolicy;
}

/** Built-in users other than the admin: login, capabilities, contact info. */
const DEFAULT_USERS: readonly (readonly [login: string, cap: string, info: string])[] = [
  ['anonymous', 'hmnc', 'Anon'],
  ['nobody', 'gjorz', 'Nobody'],
  ['developer', 'ei', 'Dev'],
  ['reader', 'kptw', 'Reader'],
];

/** A date as the D card writes it: UTC, ISO 8601 with milliseconds, no zone suffix. */
export function cardDate(date: Date | string): string {
  const d = typeof date === 'string' ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(date) ? date : `${date}Z`) : date;
  if (Number.isNaN(d.getTime())) throw new Error(`unrecognized date: ${String(date)}`);
  return d.toISOString().slice(0, 23);
}

/** The artifact of the initial empty check-in that starts the trunk. */
export function initialCheckinArtifact(date: Date | string, login: string): Uint8Array {
  // The R card matters: without it, fossil before 1.27 would read this as a control artifact.
  const body =
    'C initial\\sempty\\scheck-in\n' +
    `D ${cardDate(date)}\n` +
    `R ${EMPTY_MD5}\n` +
    'T *branch * trunk\n' +
    'T *sym-trunk *\n' +
    `U ${fossilize(login)}\n`;
  return utf8(`${body}Z ${md5Hex(utf8(body))}\n`);
}

function randomCode(): string {
  return toHex(platform().randomBytes(20));
}

/** Fill a repository whose schema was just installed. Returns the initial check-in's rid, if any. */
export function initializeRepository(repo: Repository, opts: CreateOptions): number | undefined {
  const { config, db } = repo;
  const now = unixNow();
  config.set('hash-policy', opts.hashPolicy ?? HashPolicy.SHA3, now);
  if (opts.projectName !== undefined) config.set('project-name', opts.projectName, now);
  if (opts.projectDescription !== undefined) config.set('project-description', opts.projectDescription, now);
  config.set('content-schema', CONTENT_SCHEMA, now);
  config.set('aux-schema', AUX_SCHEMA_MAX, now);
  config.set('rebuilt', FOSSIL_VERSION_STRING, now);
  config.set('admin-log', 1, now);
  config.set('access-log', 1, now);
  config.set('server-code', randomCode(), now);
  config.set('project-code', randomCode(), now);
  config.set('autosync', 1, now);
  config.set('localauth', 0, now);
  config.set('timeline-plaintext', 1, now);

  const admin = opts.adminUser ?? 'root';
  // Column by column what fossil writes: clear-text password, empty info, no mtime.
  const adminUid = db.run(
    "INSERT INTO user(login, pw, cap, info) VALUES(?, ?, 's', '')",
    admin,
    opts.adminPassword ?? randomPassword(10),
  ).lastInsertRowid;
  for (const [login, cap, info] of DEFAULT_USERS) {
    // anonymous gets a random password nobody knows (upper-case hex, as SQLite's hex() gives).
    const pw = login === 'anonymous' ? toHex(platform().randomBytes(8)).toUpperCase() : '';
    db.run('INSERT OR IGNORE INTO user(login, pw, cap, info) VALUES(?, ?, ?, ?)', login, pw, cap, info);
  }

  if (opts.date === null) return undefined;
  const manifest = initialCheckinArtifact(opts.date ?? new Date(), admin);
  repo.content.beginReceipt({ uid: adminUid });
  const { rid } = repo.content.put(manifest);
  repo.content.endReceipt();
  repo.crosslink(rid, manifest);
  return rid;
}
