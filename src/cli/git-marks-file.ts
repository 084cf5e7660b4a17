/** The export marks (src/git/marks.ts) in a file: read if there, replaced whole when written. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ExportMarks } from '../git/marks.ts';

export function readMarksFile(path: string | undefined): ExportMarks {
  if (!path || !existsSync(path)) return new ExportMarks();
  return ExportMarks.parse(readFileSync(path, 'utf8'));
}

/** Written beside and renamed into place: a crash leaves the old marks or the new, never half. */
export function writeMarksFile(path: string, marks: ExportMarks): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, marks.format());
  renameSync(tmp, path);
}
