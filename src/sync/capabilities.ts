/**
 * What a sync peer may do, from the capability letters of the repository's users
 * (login.c login_set_capabilities). Only the rights the xfer protocol looks at are kept.
 */
import type { Db } from '../db/db.ts';

export interface SyncRights {
  /** g: may clone. */
  clone: boolean;
  /** o: may pull, request configuration, read the unversioned catalog. */
  read: boolean;
  /** i: may push artifacts. */
  write: boolean;
  /** a or s: may push configuration and receive the user table. */
  admin: boolean;
  /** x: may sync private artifacts (never implied by a or s). */
  private: boolean;
  /** y: may push unversioned files (never implied). */
  writeUnversioned: boolean;
  /** e: may read email addresses (the concealed table). */
  readAddresses: boolean;
}

export function noRights(): SyncRights {
  return { clone: false, read: false, write: false, admin: false, private: false, writeUnversioned: false, readAddresses: false };
}

/** Users whose capabilities the `u` and `v` letters inherit. */
const INHERITED: Readonly<Record<string, string>> = { u: 'reader', v: 'developer' };

/**
 * Add the rights of a capability string to r. `u` and `v` pull in the capabilities of the
 * `reader` and `developer` users, each at most once (the inherited sets may name each other).
 */
export function addCapabilities(r: SyncRights, caps: string, db?: Db, inherited: Set<string> = new Set()): SyncRights {
  for (const c of caps) {
    switch (c) {
      case 's':
      case 'a':
        r.admin = r.clone = r.readAddresses = true;
        r.read = r.write = true;
        break;
      case 'i':
        r.read = r.write = true;
        break;
      case 'o':
        r.read = true;
        break;
      case 'g':
        r.clone = true;
        break;
      case 'e':
        r.readAddresses = true;
        break;
      case 'x':
        r.private = true;
        break;
      case 'y':
        r.writeUnversioned = true;
        break;
      case 'u':
      case 'v': {
        const login = INHERITED[c]!;
        if (db && !inherited.has(login)) {
          inherited.add(login);
          addCapabilities(r, userCaps(db, login), db, inherited);
        }
        break;
      }
      default:
        break;
    }
  }
  return r;
}

/** The capability letters of a user, '' when there is no such user. */
export function userCaps(db: Db, login: string): string {
  const v = db.value('SELECT cap FROM user WHERE login=?', login);
  return typeof v === 'string' ? v : '';
}

/** What any request gets before it logs in: the union of `nobody` and `anonymous`. */
export function anonymousRights(db: Db): SyncRights {
  const r = noRights();
  const inherited = new Set<string>();
  addCapabilities(r, userCaps(db, 'nobody'), db, inherited);
  addCapabilities(r, userCaps(db, 'anonymous'), db, inherited);
  return r;
}
