import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  formatJulian, formatJulianMs, julianDay, julianDayMs, julianNow, julianToUnix, nowDateString, unixToJulian,
} from '../../src/fossil/julian.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { rng } from '../helpers/edits.ts';

const hasFossil = haveTool('fossil');

describe('julianDay', () => {
  it('reads the forms fossil writes', () => {
    expect(julianDay('2000-01-01 00:00:00')).toBe(2451544.5);
    expect(julianDay('2000-01-01T12:00:00.000')).toBe(2451545);
    expect(julianDay('1970-01-01')).toBe(2440587.5);
    expect(julianDayMs('2026-11-20T22:22:34.512')).toBe(julianDayMs('2026-11-20 22:22:34.512'));
    expect(julianDayMs('2026-11-20T22:22:34.512')! - julianDayMs('2026-11-20T22:22:34')!).toBe(512);
  });
  it('handles zones, bare times and numbers as SQLite does', () => {
    expect(julianDay('2020-01-01T12:00:00+01:30')).toBe(julianDay('2020-01-01T10:30:00'));
    expect(julianDay('2020-01-01T12:00:00Z')).toBe(julianDay('2020-01-01 12:00'));
    expect(julianDay('12:00')).toBe(2451545);
    expect(julianDay(' 2459000.5 ')).toBe(2459000.5);
    expect(julianDay('1e6')).toBe(1000000);
    expect(julianDay('now', Date.UTC(2020, 0, 1))).toBe(julianDay('2020-01-01'));
  });
  it('returns null where SQLite returns NULL', () => {
    for (const bad of ['', 'abc', '2023-13-01', '2023-1-01', ' 2023-01-01', '2023-01-01Z', '25:00', '-1', '5373484.5', '1e', '10000-01-01']) {
      expect(julianDay(bad), bad).toBeNull();
    }
  });
  it('formats as fossil writes D cards', () => {
    expect(formatJulian(2451545)).toBe('2000-01-01T12:00:00.000');
    expect(formatJulianMs(julianDayMs('2026-11-20T22:22:34.512')!)).toBe('2026-11-20T22:22:34.512');
    expect(nowDateString(Date.UTC(2024, 1, 29, 23, 59, 59, 7))).toBe('2024-02-29T23:59:59.007');
    expect(julianNow(0)).toBe(2440587.5);
    expect(unixToJulian(86400)).toBe(2440588.5);
    expect(julianToUnix(2440588.5)).toBe(86400);
    expect(() => formatJulian(-1)).toThrow(RangeError);
  });
});

/** Inputs covering fossil's own forms and SQLite's corner cases. */
function dateInputs(): string[] {
  const r = rng(42);
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  const out = [
    '2000-01-01', '2000-01-01 00:00', '2000-01-01T00:00:00', '2000-01-01 00:00:00.9999', '2023-02-30',
    '2023-02-31T24:00:00', '24:00', '23:59:59.999', '12:00Z', '12:00 +01:00', '12:00-14:00', '12:00+15:00',
    '2020-01-01T12:00:00+01:30', '2020-01-01T12:00:00 -05:00 ', '2020-01-01TT  12:00', '2020-01-01 ',
    '2020-01-01x', '2020-01-01 12:00:00.', '2020-01-01 12:00:00.5x', '2020-01-01 12:0', '0000-01-01',
    '0000-01-01 00:00:00', '-0001-03-01', '-4713-11-24 12:00:00', '-4713-11-24 11:59:59', '-4714-01-01',
    '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.9996', '1582-10-10', '0400-02-29', '0100-03-01',
    '2459000.5', ' 2459000.5 ', '1e6', '+5', '.5', '5.', '0', '-0', '5373484.4999', '5373484.5', '1e400',
    'abc', '', 'T12:00', '2020-01-01 12:00:00.123456789012', '2020-1-01', '20-01-01', '2020-01-01\t12:00',
  ];
  for (let i = 0; i < 300; i++) {
    const y = Math.floor(r() * 10000);
    const mo = 1 + Math.floor(r() * 12);
    const d = 1 + Math.floor(r() * 31);
    const h = Math.floor(r() * 25);
    const mi = Math.floor(r() * 60);
    const s = Math.floor(r() * 60);
    const ms = Math.floor(r() * 1000);
    const sep = ['T', ' ', 'T'][i % 3]!;
    out.push(`${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}${sep}${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}.${p(ms, 3)}`);
    if (i % 5 === 0) out.push(`${p(y, 4)}-${p(mo, 2)}-${p(d, 2)} ${p(h, 2)}:${p(mi, 2)}`);
  }
  return out;
}

describe.skipIf(!hasFossil)('against SQLite inside fossil 2.21', () => {
  const tmp = tempDir('edgesync-julian-');
  const repo = join(tmp.dir, 'r.fossil');
  beforeAll(() => {
    fossil(['init', repo], { cwd: tmp.dir });
  });
  afterAll(() => tmp.cleanup());

  const sql = (lines: string[]) =>
    fossil(['sql', '-R', repo], { cwd: tmp.dir, input: ['.mode list', '.separator ,', ...lines].join('\n') + '\n' })
      .stdout.trim().split('\n');
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

  it('julianday() agrees to the millisecond on every input', () => {
    const inputs = dateInputs();
    const got = sql(inputs.map((s) => `select ifnull(cast(round(julianday(${q(s)})*86400000.0) as integer),'null');`));
    expect(got.length).toBe(inputs.length);
    inputs.forEach((s, i) => {
      const ours = julianDayMs(s);
      expect(ours === null ? 'null' : String(ours), JSON.stringify(s)).toBe(got[i]);
    });
  });

  it('strftime formatting and unixepoch agree', () => {
    const r = rng(9);
    const jds: number[] = [0, 0.5, 1000000.3, 1721059.5, 1721424.25, 2299160.5, 2440587.5, 5373484.4];
    for (let i = 0; i < 300; i++) jds.push(Math.round(r() * 5373484 * 1e6) / 1e6);
    const got = sql(jds.map((j) => `select strftime('%Y-%m-%dT%H:%M:%f', ${j});`));
    jds.forEach((j, i) => expect(formatJulian(j), String(j)).toBe(got[i]));

    const secs = [0, 1, -1, 1700000000, 1700000000.1234, 253402300799, -62167219200];
    const viaUnix = sql(secs.map((s) => `select cast(round(julianday(${s}, 'unixepoch')*86400000.0) as integer), strftime('%s', julianday(${s}, 'unixepoch'));`));
    secs.forEach((s, i) => {
      const [ijd, back] = viaUnix[i]!.split(',');
      expect(Math.round(unixToJulian(s) * 86400000), String(s)).toBe(Number(ijd));
      expect(julianToUnix(unixToJulian(s)), String(s)).toBe(Number(back));
    });
  });

  it('nowDateString matches fossil test-date-format for the same instant', () => {
    const out = fossil(['test-date-format', '2024-02-29 23:59:59.007', '-R', repo], { cwd: tmp.dir }).stdout;
    expect(out.trim().endsWith(nowDateString(Date.UTC(2024, 1, 29, 23, 59, 59, 7)))).toBe(true);
  });
});
