/**
 * What earlier exports wrote, so the next one writes only what is new (`git export --marks FILE`,
 * and the mirror's GITDIR/edgesync.marks). One line each:
 *
 *   c :MARK CHECKIN-HASH     a check-in, written as the commit with that mark
 *   b :MARK FILE-HASH        a file's content, written as the blob with that mark
 *   r REF :MARK              where the export last set a branch (refs/heads/…) or tag (refs/tags/…)
 *
 * The marks are the stream's own (`mark :N`): the `git fast-import` that reads the streams has to
 * keep its marks too (--import-marks/--export-marks), so a later stream can name earlier objects.
 */
import { CodedError } from '../errors.ts';

export class ExportMarks {
  readonly checkins = new Map<string, number>();
  readonly files = new Map<string, number>();
  readonly refs = new Map<string, number>();
  private next = 1;

  static parse(text: string): ExportMarks {
    const m = new ExportMarks();
    for (const [i, line] of text.split('\n').entries()) {
      if (line === '' || line.startsWith('#')) continue;
      const f = line.split(' ');
      const bad = () => new CodedError('bad-input', `marks file line ${i + 1} is not a mark: ${JSON.stringify(line.slice(0, 80))}`);
      if (f.length !== 3) throw bad();
      const [kind, a, b] = f as [string, string, string];
      if (kind === 'r') {
        m.refs.set(a, markNumber(b, bad));
      } else if (kind === 'c' || kind === 'b') {
        if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(b)) throw bad();
        m.add(kind === 'c' ? m.checkins : m.files, b, markNumber(a, bad));
      } else {
        throw bad();
      }
    }
    return m;
  }

  /** A new mark for a check-in or file. */
  assign(kind: 'checkin' | 'file', uuid: string): number {
    const n = this.next;
    this.add(kind === 'checkin' ? this.checkins : this.files, uuid, n);
    return n;
  }

  format(): string {
    const lines = ['# edgesync git export marks'];
    for (const [uuid, n] of this.checkins) lines.push(`c :${n} ${uuid}`);
    for (const [uuid, n] of this.files) lines.push(`b :${n} ${uuid}`);
    for (const [ref, n] of this.refs) lines.push(`r ${ref} :${n}`);
    return `${lines.join('\n')}\n`;
  }

  private add(map: Map<string, number>, uuid: string, n: number): void {
    // A hash parsed out of a manifest can be a slice that keeps the whole manifest's text alive
    // (V8's sliced strings): a copy keeps only the hash, so the marks of a large history stay small.
    map.set((` ${uuid}`).slice(1), n);
    if (n >= this.next) this.next = n + 1;
  }
}

function markNumber(text: string, bad: () => Error): number {
  if (!/^:[1-9][0-9]{0,9}$/.test(text)) throw bad();
  return Number(text.slice(1));
}
