/**
 * Recognising a failure of this device's storage, for both Db adapters, in this one place.
 *
 * better-sqlite3 throws a SqliteError whose `code` is the (extended) result code's name
 * ('SQLITE_FULL', 'SQLITE_IOERR_WRITE', ...); sqlite-wasm throws a SQLite3Error whose
 * `resultCode` is its number. The adapters pass every error through `storageFailure`, so above
 * src/db a full disk is a StorageError (code `local-storage`) with the native error as its cause,
 * whatever the adapter and whatever was being done when it happened.
 */
import { CodedError } from '../errors.ts';

/**
 * Primary result codes that say the storage failed, not the statement or the data in it:
 * SQLITE_BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, CORRUPT 11, FULL 13. (CONSTRAINT,
 * TOOBIG, MISMATCH and the like are about what was written; CANTOPEN and NOTADB about which file
 * was named: none of those is here.)
 */
const STORAGE_RESULT_CODES = new Map<number, string>([
  [5, 'SQLITE_BUSY'],
  [6, 'SQLITE_LOCKED'],
  [7, 'SQLITE_NOMEM'],
  [8, 'SQLITE_READONLY'],
  [10, 'SQLITE_IOERR'],
  [11, 'SQLITE_CORRUPT'],
  [13, 'SQLITE_FULL'],
]);
const STORAGE_CODE_NAMES = new Set(STORAGE_RESULT_CODES.values());

/** This device's storage failed; `sqliteCode` is the primary result code's name. */
export class StorageError extends CodedError {
  override name = 'StorageError';
  constructor(
    readonly sqliteCode: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('local-storage', `local storage failed: ${message}`, options);
  }
}

/** The primary result code's name when e is an SQLite error of either adapter that means storage failed. */
function storageCodeName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, resultCode } = e as { code?: unknown; resultCode?: unknown };
  if (typeof code === 'string' && code.startsWith('SQLITE_')) {
    // Extended codes add a suffix: SQLITE_IOERR_WRITE is an SQLITE_IOERR.
    const primary = code.match(/^SQLITE_[A-Z]+/)![0];
    return STORAGE_CODE_NAMES.has(primary) ? primary : undefined;
  }
  // Extended result codes keep the primary one in their low byte.
  if (typeof resultCode === 'number') return STORAGE_RESULT_CODES.get(resultCode & 0xff);
  // The browser's storage quota, met outside SQLite (writing a whole file into OPFS).
  if ((e as { name?: unknown }).name === 'QuotaExceededError') return 'SQLITE_FULL';
  return undefined;
}

/** e as a StorageError when it is a storage failure (already one, or a native SQLite error), else undefined. */
export function storageFailure(e: unknown): StorageError | undefined {
  if (e instanceof StorageError) return e;
  const name = storageCodeName(e);
  if (name === undefined) return undefined;
  return new StorageError(name, (e as Error).message ?? String(e), { cause: e });
}

/** What an adapter throws: a storage failure as a StorageError, anything else as it is. */
export function classified(e: unknown): unknown {
  return storageFailure(e) ?? e;
}
