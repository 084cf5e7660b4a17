/**
 * The repository's `user` table. Passwords are stored as fossil stores them: `fossil init`
 * leaves the admin's password in clear text, every later change stores the 40-hex shared secret
 * SHA1("<project-code>/<login>/<password>"), and a login must be checked against both forms.
 */
import type { Db, SqlValue } from '../db/db.ts';
import { utf8 } from '../fossil/bytes.ts';
import { hashBytes } from '../fossil/hash.ts';
import { platform } from '../platform/platform.ts';
import { unixNow, type Config } from './config.ts';

export interface UserRecord {
  uid: number;
  login: string;
  /** Clear text or the 40-hex shared secret. */
  pw: string;
  /** Capability letters. */
  cap: string;
  /** Contact information. */
  info: string;
  /** Unix seconds of the last change, or null (fossil init leaves it null). */
  mtime: number | null;
}

export interface NewUser {
  password?: string;
  caps?: string;
  info?: string;
}

/** The shared secret fossil stores for a password and sends in login cards. */
export function sharedSecret(projectCode: string, login: string, password: string): string {
  return hashBytes(utf8(`${projectCode}/${login}/${password}`), 'sha1');
}

// fossil's alphabet for generated passwords leaves out characters that are easy to confuse
// (0/O, 1/I/l); each character is used at most once.
const PASSWORD_ALPHABET = '23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/** A random password of n distinct characters, like the one `fossil init` gives the admin. */
export function randomPassword(n = 10): string {
  const pool = [...PASSWORD_ALPHABET];
  const length = Math.min(Math.max(n, 8), pool.length);
  const random = platform().randomBytes(length * 4);
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = ((random[i * 4]! << 24) | (random[i * 4 + 1]! << 16) | (random[i * 4 + 2]! << 8) | random[i * 4 + 3]!) >>> 0;
    const k = r % pool.length;
    out += pool[k];
    pool[k] = pool[pool.length - 1]!;
    pool.pop();
  }
  return out;
}

function textOf(v: SqlValue): string {
  return v === null ? '' : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
}

const COLUMNS = 'uid, login, pw, cap, info, mtime';

function toRecord(r: Record<string, SqlValue>): UserRecord {
  return {
    uid: Number(r.uid),
    login: textOf(r.login!),
    pw: textOf(r.pw!),
    cap: textOf(r.cap!),
    info: textOf(r.info!),
    mtime: typeof r.mtime === 'number' ? r.mtime : null,
  };
}

export class Users {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  list(): UserRecord[] {
    return this.db.all(`SELECT ${COLUMNS} FROM user ORDER BY uid`).map(toRecord);
  }

  get(login: string): UserRecord | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM user WHERE login=?`, login);
    return r && toRecord(r);
  }

  byUid(uid: number): UserRecord | undefined {
    const r = this.db.get(`SELECT ${COLUMNS} FROM user WHERE uid=?`, uid);
    return r && toRecord(r);
  }

  uidOf(login: string): number | undefined {
    return this.db.value<number>('SELECT uid FROM user WHERE login=?', login);
  }

  /** Add a user as `fossil user new` does; caps default to the `default-perms` setting. */
  add(login: string, user: NewUser = {}): number {
    if (this.uidOf(login) !== undefined) throw new Error(`user ${login} already exists`);
    const pw = user.password ? this.secretFor(login, user.password) : '';
    const caps = user.caps ?? this.config.get('default-perms') ?? '';
    return this.db.run(
      'INSERT INTO user(login, pw, cap, info, mtime) VALUES(?, ?, ?, ?, ?)',
      login,
      pw,
      caps,
      user.info ?? '',
      unixNow(),
    ).lastInsertRowid;
  }

  setPassword(login: string, password: string): void {
    this.update(login, 'pw', this.secretFor(login, password));
  }

  setCaps(login: string, caps: string): void {
    this.update(login, 'cap', caps);
  }

  setInfo(login: string, info: string): void {
    this.update(login, 'info', info);
  }

  /** True if password matches the stored one, in either of the forms fossil stores. */
  checkPassword(login: string, password: string): boolean {
    const u = this.get(login);
    if (!u || u.pw === '' || password === '') return false;
    return u.pw === password || u.pw === this.secretFor(login, password);
  }

  private secretFor(login: string, password: string): string {
    const projectCode = this.config.projectCode;
    // Without a project code fossil itself falls back to the clear text.
    return projectCode ? sharedSecret(projectCode, login, password) : password;
  }

  private update(login: string, column: 'pw' | 'cap' | 'info', value: string): void {
    const r = this.db.run(`UPDATE user SET ${column}=?, mtime=? WHERE login=?`, value, unixNow(), login);
    if (r.changes === 0) throw new Error(`no such user: ${login}`);
  }
}
