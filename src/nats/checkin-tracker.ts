/**
 * Which check-ins a repository gained since the last look, whoever wrote them (this process,
 * a push, a pull, or another process writing the file). A check-in is new when its event row
 * is: rids only grow, except that a phantom's rid gets its content late, so phantoms at the
 * last look are watched too.
 */
import type { Repository } from '../repo/repository.ts';

export interface NewCheckin {
  rid: number;
  uuid: string;
}

export class CheckinTracker {
  private mark: number;
  private phantoms: number[];
  private dataVersion: number;

  constructor(private readonly repo: Repository) {
    this.mark = repo.db.value<number>("SELECT max(objid) FROM event WHERE type='ci'") ?? 0;
    this.phantoms = this.phantomRids();
    this.dataVersion = this.currentDataVersion();
  }

  private phantomRids(): number[] {
    return this.repo.db.prepare('SELECT rid FROM phantom').column<number>();
  }

  private currentDataVersion(): number {
    return this.repo.db.value<number>('PRAGMA data_version') ?? 0;
  }

  /** Has another connection written the file since the last call? One cheap pragma. */
  changedElsewhere(): boolean {
    const v = this.currentDataVersion();
    if (v === this.dataVersion) return false;
    this.dataVersion = v;
    return true;
  }

  /** The check-ins that appeared since the last call, oldest first. */
  take(): NewCheckin[] {
    const db = this.repo.db;
    const rows = db.all<NewCheckin>(
      `SELECT e.objid AS rid, b.uuid AS uuid FROM event e JOIN blob b ON b.rid=e.objid
        WHERE e.type='ci' AND e.objid>? ORDER BY e.objid`,
      this.mark,
    );
    for (const rid of this.phantoms) {
      if (rid > this.mark) continue;
      const r = db.get<NewCheckin>(
        "SELECT e.objid AS rid, b.uuid AS uuid FROM event e JOIN blob b ON b.rid=e.objid WHERE e.type='ci' AND e.objid=?",
        rid,
      );
      if (r) rows.push(r);
    }
    for (const r of rows) if (r.rid > this.mark) this.mark = r.rid;
    this.phantoms = this.phantomRids();
    return rows;
  }
}
