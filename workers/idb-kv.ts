/**
 * The worker's small IndexedDB key-value store: notify's state (messages already received, the
 * stream sequence read up to, read marks per thread, the outbox, this browser's chat identity)
 * and each repository's access (hub credentials and fossil login, never kept in the `.fossil`
 * file, so a downloaded copy carries no secret). It lives beside the repositories' OPFS files
 * and, like them, survives reloads and offline starts. (The database keeps its first name.)
 */
const DB = 'edgesync-notify';
const STORE = 'kv';

let dbPromise: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('cannot open IndexedDB'));
  });
  return dbPromise;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export async function idbGet<T>(key: string): Promise<T | undefined> {
  const db = await open();
  return (await done(db.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as T | undefined;
}

export async function idbSet(key: string, value: unknown): Promise<void> {
  const db = await open();
  await done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, key));
}

export async function idbDelete(key: string): Promise<void> {
  const db = await open();
  await done(db.transaction(STORE, 'readwrite').objectStore(STORE).delete(key));
}
