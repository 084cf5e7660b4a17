// The browser pages' data, timed in Node: each reader of src/peer/browse.ts (the functions the
// worker's `browse` group runs) on a copy of a large repository, with both Db adapters
// (better-sqlite3 on a file, sqlite-wasm in memory, as the browser's worker runs it). Prints the
// first call and the median of the next runs per reader, in milliseconds, and for sqlite-wasm the
// pages each reads with an empty page cache; first on the file as fossil made it, then with the
// indexes of src/repo/browse-indexes.ts.
// Usage: node bench/browse-queries.mjs [REPO=/work/bench-data/fossil-history.fossil] [RUNS=5]
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { ROOT, median, scratchDir } from './lib.mjs';

const src = process.argv[2] ?? '/work/bench-data/fossil-history.fossil';
const runs = Number(process.argv[3] ?? 5);
const dir = scratchDir();
// The TypeScript sources, bundled once (Node 20 runs no TypeScript).
const entry = join(dir, 'entry.ts');
writeFileSync(entry, `export * as browse from ${JSON.stringify(join(ROOT, 'src/peer/browse.ts'))};
export { Repository } from ${JSON.stringify(join(ROOT, 'src/repo/repository.ts'))};
export { openNodeDb } from ${JSON.stringify(join(ROOT, 'src/db/better-sqlite3.ts'))};
export { installNodePlatform } from ${JSON.stringify(join(ROOT, 'src/platform/node.ts'))};
export { ensureBrowseIndexes } from ${JSON.stringify(join(ROOT, 'src/repo/browse-indexes.ts'))};
export { openWasmDb } from ${JSON.stringify(join(ROOT, 'src/db/sqlite-wasm.ts'))};
`);
// Bundled inside the worktree, so the packages it leaves outside resolve from node_modules.
const out = join(ROOT, 'dist/bench');
await build({ input: entry, platform: 'node', external: [/^node:/, 'better-sqlite3', /^@sqlite\.org/], logLevel: 'silent', output: { dir: out, entryFileNames: 'browse-queries.js', format: 'esm' } });
const m = await import(pathToFileURL(join(out, 'browse-queries.js')).href);
m.installNodePlatform();

const copy = join(dir, 'repo.fossil');
copyFileSync(src, copy);
const probe = m.Repository.open(m.openNodeDb(copy));
const path = probe.db.value(`SELECT name FROM filename JOIN mlink USING(fnid) GROUP BY fnid ORDER BY count(*) DESC LIMIT 1`);
const ci = probe.db.value(`SELECT uuid FROM blob JOIN event ON objid=rid WHERE type='ci' ORDER BY mtime DESC LIMIT 1 OFFSET 100`);
probe.db.close();

const readers = {
  timeline: (r) => m.browse.timelinePage(r, { limit: 50 }),
  checkin: (r) => m.browse.checkin(r, ci),
  'files at tip (top folder)': (r) => m.browse.tree(r, 'tip', { dir: '', flat: false }),
  'files at tip (all sized)': (r) => m.browse.tree(r, 'tip'),
  'branches (tips of 150)': (r) => m.browse.branchList(r, 150),
  'branches (every tip)': (r) => m.browse.branchList(r),
  tags: (r) => m.browse.tagList(r),
  'leaves (newest 101)': (r) => m.browse.leafList(r, true, 101),
  'leaves (all)': (r) => m.browse.leafList(r),
  stats: (r) => m.browse.stats(r),
  [`history ${path} (newest 50)`]: (r) => m.browse.historyPage(r, path, { limit: 50 }),
  [`history ${path} (500)`]: (r) => m.browse.history(r, path),
  users: (r) => m.browse.users(r),
};

// The browser reads the file through OPFS with SQLite's small page cache, so on a first visit the
// pages a query reads cost more than here: sqlite-wasm's count of cache misses (pages read from
// the file) after emptying the cache shows them.
function pagesRead(db, fn) {
  const { capi, wasm } = db.sqlite3;
  db.run('PRAGMA shrink_memory');
  const p = wasm.alloc(8);
  try {
    capi.sqlite3_db_status(db.native.pointer, capi.SQLITE_DBSTATUS_CACHE_MISS, p, p + 4, 1);
    fn();
    capi.sqlite3_db_status(db.native.pointer, capi.SQLITE_DBSTATUS_CACHE_MISS, p, p + 4, 1);
    return wasm.peek32(p);
  } finally {
    wasm.dealloc(p);
  }
}

function timeAll(label, repo) {
  console.log(`\n${label}`);
  for (const [name, fn] of Object.entries(readers)) {
    const t = [];
    for (let i = 0; i <= runs; i++) {
      const s = performance.now();
      fn(repo);
      t.push(performance.now() - s);
    }
    const pages = repo.db.sqlite3 ? `   pages read cold ${String(pagesRead(repo.db, () => fn(repo))).padStart(6)}` : '';
    console.log(`  ${name.padEnd(28)} first ${t[0].toFixed(0).padStart(6)} ms   median ${median(t.slice(1)).toFixed(0).padStart(6)} ms${pages}`);
  }
}

// As fossil made the file, then with the indexes the web app adds when it opens a repository.
const indexed = join(dir, 'indexed.fossil');
copyFileSync(copy, indexed);
const made = m.openNodeDb(indexed);
const s = performance.now();
m.ensureBrowseIndexes(made);
console.log(`browsing indexes made in ${(performance.now() - s).toFixed(0)} ms (better-sqlite3)`);
made.close();
for (const [what, file] of [['as fossil made it', copy], ['with the browsing indexes', indexed]]) {
  timeAll(`better-sqlite3 (file), ${what}`, m.Repository.open(m.openNodeDb(file)));
  timeAll(`sqlite-wasm (in memory), ${what}`, m.Repository.open(await m.openWasmDb({ bytes: new Uint8Array(readFileSync(file)) })));
}
