// Ticket reports on both Db adapters against the real fossil: the default report and one of the
// repository's own give exactly `fossil ticket show N`, and the rule for what a report may do is
// fossil's: each statement is refused here exactly when fossil's report authorizer refuses it
// (`fossil test-db-prepare --auth-report`), and non-read SQL is refused with fossil's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { checkReportSql, reportList, reportText, runReport, runReportSql } from '../../src/repo/queries/reports.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-reports-');
let repoPath = '';

/** Statements fossil's authorizer allows or refuses; ours must agree on each. */
const STATEMENTS = [
  'SELECT * FROM ticket',
  "SELECT tkt_uuid, (SELECT count(*) FROM ticketchng WHERE tkt_id=ticket.tkt_id) FROM ticket WHERE status='Open'",
  'SELECT uuid, size FROM blob WHERE rid IN (SELECT objid FROM event)',
  "SELECT tagname FROM tag JOIN tagxref USING(tagid) WHERE tagname GLOB 'tkt-*'",
  "SELECT value FROM json_each('[1,2,3]')",
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<5) SELECT i FROM n',
  'SELECT * FROM user',
  'SELECT login FROM user WHERE uid=1',
  'SELECT name FROM sqlite_schema',
  'SELECT * FROM config',
  'SELECT title FROM ticket WHERE tkt_id IN (SELECT uid FROM user)',
  "SELECT * FROM pragma_table_info('user')",
  'DELETE FROM ticket',
  "UPDATE ticket SET title='x'",
  'WITH x AS (SELECT 1) DELETE FROM ticket',
  "INSERT INTO tag(tagname) VALUES('x')",
];

describe.skipIf(!hasFossil)('ticket reports', () => {
  beforeAll(() => {
    repoPath = join(tmp.dir, 'tickets.fossil');
    fossil(['init', repoPath, '--admin-user', 'alice']);
    const add = (...f: string[]) => fossil(['ticket', 'add', ...f, '-R', repoPath]);
    add('title', 'Crash on start', 'status', 'Open', 'type', 'Code_Defect', 'subsystem', 'core');
    add('title', 'Docs\tare\nthin', 'status', 'Fixed', 'type', 'Documentation');
    add('title', 'Needs review', 'status', 'Review', 'type', 'Feature_Request');
    add('title', 'Old one', 'status', 'Closed', 'type', 'Incident');
    sqlite(repoPath, "INSERT INTO reportfmt(title, owner, mtime, cols, sqlcode) VALUES('By title', 'alice', julianday('now'), '', "
      + "'SELECT tkt_uuid AS ''#'', title, status, datetime(tkt_ctime) AS opened FROM ticket ORDER BY title DESC')");
  });
  afterAll(() => tmp.cleanup());

  forEachAdapter((adapter) => {
    it('the default report and a repository report equal fossil ticket show', async () => {
      const db = await adapter.load(repoPath);
      expect(reportList(db).map((r) => r.title)).toEqual(['All Tickets', 'By title']);
      for (const rn of [1, 2]) {
        const ours = reportText(runReport(db, rn));
        expect(ours.split('\n').length).toBe(6);
        expect(ours).toBe(fossil(['ticket', 'show', String(rn), '-R', repoPath]).stdout);
      }
      const all = runReport(db, 1);
      expect(all.title).toBe('All Tickets');
      expect(all.columns).toEqual(['bgcolor', '#', 'mtime', 'type', 'status', 'subsystem', 'title']);
      expect(all.key[1]).toEqual({ color: '#f2dcdc', label: 'Active' });
      db.close();
    });

    it('refuses exactly what fossil’s report authorizer refuses, and changes nothing', async () => {
      const db = await adapter.load(repoPath);
      const tickets = db.value<number>('SELECT count(*) FROM ticket');
      for (const sql of STATEMENTS) {
        const theirs = fossil(['test-db-prepare', '--auth-report', sql, '-R', repoPath], { allowFail: true }).status === 0;
        let ours = true;
        try {
          runReportSql(db, sql);
        } catch {
          ours = false;
        }
        expect({ sql, allowed: ours }).toEqual({ sql, allowed: theirs });
      }
      expect(db.value<number>('SELECT count(*) FROM ticket')).toBe(tickets);
      // The connection is writable again afterwards.
      db.run("INSERT INTO config(name, value, mtime) VALUES('report-test', 1, 0)");
      db.close();
    });

    it('says why non-read SQL is refused, in fossil’s words', async () => {
      const db = await adapter.load(repoPath);
      const why = (sql: string) => {
        try {
          checkReportSql(db, sql);
          return 'allowed';
        } catch (e) {
          expect((e as { code?: string }).code).toBe('bad-input');
          return (e as Error).message;
        }
      };
      expect(why('DELETE FROM ticket')).toBe('The SQL must be a SELECT or WITH statement');
      expect(why('SELECT 1; DELETE FROM ticket')).toBe('Semi-colon detected! Only a single SQL statement is allowed');
      expect(why("SELECT ';' AS semi -- a comment; with a semicolon")).toBe('allowed');
      expect(why('WITH x AS (SELECT 1) DELETE FROM ticket')).toBe('SQL must not modify the database');
      expect(why('SELECT * FROM user')).toBe('access to table "user" is restricted');
      expect(why('SELECT sql FROM sqlite_schema')).toBe('access to table "sqlite_schema" is restricted');
      expect(why('SELECT * FROM no_such_table')).toMatch(/^Syntax error: .*no_such_table/);
      db.close();
    });
  });
});
