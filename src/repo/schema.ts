/**
 * The repository schema exactly as fossil 2.21 writes it. SQLite stores each CREATE statement's
 * text verbatim in sqlite_schema, and that text is part of the file format we share with fossil,
 * so every statement below must stay byte-identical to what `fossil init` leaves in a new
 * repository (tests/unit/schema.test.ts diffs the two).
 *
 * Part 1 holds the primary tables (artifacts, users, settings); `fossil rebuild` keeps them.
 * Part 2 holds the tables derived from artifacts by crosslinking; rebuild drops and recreates them.
 */
import type { Db } from '../db/db.ts';

/** `PRAGMA application_id` of a repository, so file(1) can recognise it. */
export const REPOSITORY_APPLICATION_ID = 252006673;

/** Page size fossil init uses for a new repository. */
export const REPOSITORY_PAGE_SIZE = 4096;

/** Config `aux-schema` range fossil 2.21 accepts without asking for a rebuild (string comparison). */
export const AUX_SCHEMA_MIN = '2011-04-25 19:50';
export const AUX_SCHEMA_MAX = '2015-01-24';
/** Config `content-schema` value. */
export const CONTENT_SCHEMA = '2';

/** Tables `db_looks_like_a_repository` requires (names compared case-insensitively). */
export const REQUIRED_REPOSITORY_TABLES = ['blob', 'delta', 'rcvfrom', 'user', 'config', 'mlink', 'plink'] as const;

/** Primary tables: artifacts, receipts, users, settings, shuns, privacy, reports, concealed text. */
export const REPOSITORY_SCHEMA_1: readonly string[] = [
  `CREATE TABLE blob(
  rid INTEGER PRIMARY KEY,
  rcvid INTEGER,
  size INTEGER,
  uuid TEXT UNIQUE NOT NULL,
  content BLOB,
  CHECK( length(uuid)>=40 AND rid>0 )
)`,
  `CREATE TABLE delta(
  rid INTEGER PRIMARY KEY,
  srcid INTEGER NOT NULL REFERENCES blob
)`,
  `CREATE INDEX delta_i1 ON delta(srcid)`,
  `CREATE TABLE rcvfrom(
  rcvid INTEGER PRIMARY KEY,
  uid INTEGER REFERENCES user,
  mtime DATETIME,
  nonce TEXT UNIQUE,
  ipaddr TEXT
)`,
  `CREATE TABLE user(
  uid INTEGER PRIMARY KEY,
  login TEXT UNIQUE,
  pw TEXT,
  cap TEXT,
  cookie TEXT,
  ipaddr TEXT,
  cexpire DATETIME,
  info TEXT,
  mtime DATE,
  photo BLOB,
  jx TEXT DEFAULT '{}'
)`,
  `CREATE TABLE config(
  name TEXT PRIMARY KEY NOT NULL,
  value CLOB,
  mtime DATE,
  CHECK( typeof(name)='text' AND length(name)>=1 )
)`,
  `CREATE TABLE shun(
  uuid UNIQUE,
  mtime DATE,
  scom TEXT
)`,
  `CREATE TABLE private(rid INTEGER PRIMARY KEY)`,
  `CREATE TABLE reportfmt(
   rn INTEGER PRIMARY KEY,
   owner TEXT,
   title TEXT UNIQUE,
   mtime DATE,
   cols TEXT,
   sqlcode TEXT,
   jx TEXT DEFAULT '{}'
)`,
  `CREATE TABLE concealed(
  hash TEXT PRIMARY KEY,
  mtime DATE,
  content TEXT
)`,
];

/** The index of tagxref by tag (renumbering tags drops it and makes it again). */
export const TAGXREF_TAGID_INDEX = `CREATE INDEX tagxref_i1 ON tagxref(tagid, mtime)`;

/** Derived tables, rebuilt from the artifacts by crosslinking. */
export const REPOSITORY_SCHEMA_2: readonly string[] = [
  `CREATE TABLE filename(
  fnid INTEGER PRIMARY KEY,
  name TEXT UNIQUE
)`,
  `CREATE TABLE mlink(
  mid INTEGER,
  fid INTEGER,
  pmid INTEGER,
  pid INTEGER,
  fnid INTEGER REFERENCES filename,
  pfnid INTEGER,
  mperm INTEGER,
  isaux BOOLEAN DEFAULT 0
)`,
  `CREATE INDEX mlink_i1 ON mlink(mid)`,
  `CREATE INDEX mlink_i2 ON mlink(fnid)`,
  `CREATE INDEX mlink_i3 ON mlink(fid)`,
  `CREATE INDEX mlink_i4 ON mlink(pid)`,
  `CREATE TABLE plink(
  pid INTEGER REFERENCES blob,
  cid INTEGER REFERENCES blob,
  isprim BOOLEAN,
  mtime DATETIME,
  baseid INTEGER REFERENCES blob,
  UNIQUE(pid, cid)
)`,
  `CREATE INDEX plink_i2 ON plink(cid,pid)`,
  `CREATE TABLE leaf(rid INTEGER PRIMARY KEY)`,
  `CREATE TABLE event(
  type TEXT,
  mtime DATETIME,
  objid INTEGER PRIMARY KEY,
  tagid INTEGER,
  uid INTEGER REFERENCES user,
  bgcolor TEXT,
  euser TEXT,
  user TEXT,
  ecomment TEXT,
  comment TEXT,
  brief TEXT,
  omtime DATETIME
)`,
  `CREATE INDEX event_i1 ON event(mtime)`,
  `CREATE TABLE phantom(
  rid INTEGER PRIMARY KEY
)`,
  `CREATE TABLE orphan(
  rid INTEGER PRIMARY KEY,
  baseline INTEGER
)`,
  `CREATE INDEX orphan_baseline ON orphan(baseline)`,
  `CREATE TABLE unclustered(
  rid INTEGER PRIMARY KEY
)`,
  `CREATE TABLE unsent(
  rid INTEGER PRIMARY KEY
)`,
  `CREATE TABLE tag(
  tagid INTEGER PRIMARY KEY,
  tagname TEXT UNIQUE
)`,
  `CREATE TABLE tagxref(
  tagid INTEGER REFERENCES tag,
  tagtype INTEGER,
  srcid INTEGER REFERENCES blob,
  origid INTEGER REFERENCES blob,
  value TEXT,
  mtime TIMESTAMP,
  rid INTEGER REFERENCE blob,
  UNIQUE(rid, tagid)
)`,
  TAGXREF_TAGID_INDEX,
  `CREATE TABLE backlink(
  target TEXT,
  srctype INT,
  srcid INT,
  mtime TIMESTAMP,
  UNIQUE(target, srctype, srcid)
)`,
  `CREATE INDEX backlink_src ON backlink(srcid, srctype)`,
  `CREATE TABLE attachment(
  attachid INTEGER PRIMARY KEY,
  isLatest BOOLEAN DEFAULT 0,
  mtime TIMESTAMP,
  src TEXT,
  target TEXT,
  filename TEXT,
  comment TEXT,
  user TEXT
)`,
  `CREATE INDEX attachment_idx1 ON attachment(target, filename, mtime)`,
  `CREATE INDEX attachment_idx2 ON attachment(src)`,
  `CREATE TABLE ticket(
  tkt_id INTEGER PRIMARY KEY,
  tkt_uuid TEXT UNIQUE,
  tkt_mtime DATE,
  tkt_ctime DATE,
  type TEXT,
  status TEXT,
  subsystem TEXT,
  priority TEXT,
  severity TEXT,
  foundin TEXT,
  private_contact TEXT,
  resolution TEXT,
  title TEXT,
  comment TEXT
)`,
  `CREATE TABLE ticketchng(
  tkt_id INTEGER REFERENCES ticket,
  tkt_rid INTEGER REFERENCES blob,
  tkt_mtime DATE,
  tkt_user TEXT,
  login TEXT,
  username TEXT,
  mimetype TEXT,
  icomment TEXT
)`,
  `CREATE INDEX ticketchng_idx1 ON ticketchng(tkt_id, tkt_mtime)`,
  `CREATE TABLE cherrypick(
  parentid INT,
  childid INT,
  isExclude BOOLEAN DEFAULT false,
  PRIMARY KEY(parentid, childid)
) WITHOUT ROWID`,
  `CREATE INDEX cherrypick_cid ON cherrypick(childid)`,
];

/** Tag ids the code relies on by number (upstream TAG_BGCOLOR ... TAG_NOTE). */
export const TagId = {
  bgcolor: 1,
  comment: 2,
  user: 3,
  date: 4,
  hidden: 5,
  private: 6,
  cluster: 7,
  branch: 8,
  closed: 9,
  parent: 10,
  note: 11,
} as const;

/** The rows every repository's `tag` table starts with. */
export const FIXED_TAGS: readonly (readonly [tagid: number, tagname: string])[] = Object.entries(TagId).map(
  ([name, id]) => [id, name] as const,
);

/** The default ticket report ("All Tickets"), row 1 of `reportfmt`. */
export const DEFAULT_REPORT = {
  title: 'All Tickets',
  cols: `#ffffff Key:
#f2dcdc Active
#e8e8e8 Review
#cfe8bd Fixed
#bde5d6 Tested
#cacae5 Deferred
#c8c8c8 Closed`,
  sqlcode: `SELECT
  CASE WHEN status IN ('Open','Verified') THEN '#f2dcdc'
       WHEN status='Review' THEN '#e8e8e8'
       WHEN status='Fixed' THEN '#cfe8bd'
       WHEN status='Tested' THEN '#bde5d6'
       WHEN status='Deferred' THEN '#cacae5'
       ELSE '#c8c8c8' END AS 'bgcolor',
  substr(tkt_uuid,1,10) AS '#',
  datetime(tkt_mtime) AS 'mtime',
  type,
  status,
  subsystem,
  title
FROM ticket`,
} as const;

/** Create the tables of part 2 and their fixed rows (used by create and by rebuild). */
export function installDerivedSchema(db: Db): void {
  for (const sql of REPOSITORY_SCHEMA_2) db.exec(sql);
  const insertTag = db.prepare('INSERT INTO tag(tagid, tagname) VALUES(?, ?)');
  for (const [id, name] of FIXED_TAGS) insertTag.run(id, name);
}

/** Insert the default ticket report, dated at the unix epoch as fossil does. */
export function installDefaultReports(db: Db): void {
  db.run(
    "INSERT INTO reportfmt(title, mtime, cols, sqlcode) VALUES(?, julianday('1970-01-01'), ?, ?)",
    DEFAULT_REPORT.title,
    DEFAULT_REPORT.cols,
    DEFAULT_REPORT.sqlcode,
  );
}

/**
 * Lay down the complete schema in an empty database, the way `fossil init` does before it
 * fills in settings and users. Must run before anything else touches the file: the page size
 * only takes effect while the database is still empty.
 */
export function installRepositorySchema(db: Db): void {
  if (db.value<number>('SELECT count(*) FROM sqlite_schema') !== 0) {
    throw new Error('cannot create a repository in a database that already has tables');
  }
  db.exec(`PRAGMA page_size=${REPOSITORY_PAGE_SIZE}`);
  db.transaction(() => {
    for (const sql of REPOSITORY_SCHEMA_1) db.exec(sql);
    db.exec(`PRAGMA application_id=${REPOSITORY_APPLICATION_ID}`);
    installDefaultReports(db);
    installDerivedSchema(db);
    // fossil closes every connection with PRAGMA optimize, which always leaves a new repository
    // with a sqlite_stat1 table; create that table too so the schemas match exactly. SQLite
    // builds with STAT4 (better-sqlite3's) add sqlite_stat4, which fossil's build never makes.
    db.exec('ANALYZE sqlite_schema');
    db.exec('DROP TABLE IF EXISTS sqlite_stat4');
  });
}
