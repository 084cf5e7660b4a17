/**
 * Dates as fossil handles them. Artifacts carry text dates (`D 2026-11-20T22:22:34.512`), which
 * fossil converts with SQLite's julianday() and stores as Julian day numbers (event.mtime,
 * tagxref.mtime, ...). To land on the same REAL values, this module reproduces the date parsing
 * and arithmetic of the SQLite that fossil 2.21 bundles (3.41), step by step with the same
 * integer truncations: SQLite works in integer milliseconds ("iJD" = Julian day × 86 400 000).
 */

const MS_PER_DAY = 86_400_000;
/** iJD of 1970-01-01 00:00:00 UTC. */
const UNIX_EPOCH_IJD = 210_866_760_000_000;
/** iJD of 9999-12-31 23:59:59.999, the last instant SQLite accepts. */
const MAX_IJD = 464_269_060_799_999;

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Exactly `n` digits at z[i], as a number within [min, max]; otherwise undefined. */
function digits(z: string, i: number, n: number, min: number, max: number): number | undefined {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = z[i + k];
    if (!isDigit(c)) return undefined;
    v = v * 10 + (c!.charCodeAt(0) - 48);
  }
  return v < min || v > max ? undefined : v;
}

interface Time {
  h: number;
  m: number;
  s: number;
  /** Time zone offset in minutes east of UTC. */
  tz: number;
}

/** Time-zone suffix at z[i]: nothing, `Z`, or `±HH:MM`, then only whitespace. Offset in minutes. */
function parseZone(z: string, i: number): number | undefined {
  while (isSpace(z[i])) i++;
  let tz = 0;
  const c = z[i];
  if (c === '-' || c === '+') {
    const hh = digits(z, i + 1, 2, 0, 14);
    const mm = z[i + 3] === ':' ? digits(z, i + 4, 2, 0, 59) : undefined;
    if (hh === undefined || mm === undefined) return undefined;
    tz = (c === '-' ? -1 : 1) * (hh * 60 + mm);
    i += 6;
  } else if (c === 'Z' || c === 'z') {
    i++;
  } else {
    return c === undefined ? 0 : undefined;
  }
  while (isSpace(z[i])) i++;
  return i === z.length ? tz : undefined;
}

/** `HH:MM`, `HH:MM:SS` or `HH:MM:SS.F…` then an optional zone, at z[i] to the end. */
function parseTime(z: string, i: number): Time | undefined {
  const h = digits(z, i, 2, 0, 24);
  const m = z[i + 2] === ':' ? digits(z, i + 3, 2, 0, 59) : undefined;
  if (h === undefined || m === undefined) return undefined;
  i += 5;
  let s = 0;
  if (z[i] === ':') {
    const sec = digits(z, i + 1, 2, 0, 59);
    if (sec === undefined) return undefined;
    i += 3;
    // Fractional seconds accumulate in a double exactly as SQLite does, then are scaled down.
    let frac = 0;
    if (z[i] === '.' && isDigit(z[i + 1])) {
      let scale = 1;
      i++;
      while (isDigit(z[i])) {
        frac = frac * 10 + (z.charCodeAt(i) - 48);
        scale *= 10;
        i++;
      }
      frac /= scale;
    }
    s = sec + frac;
  }
  const tz = parseZone(z, i);
  return tz === undefined ? undefined : { h, m, s, tz };
}

/** Julian-day milliseconds of a proleptic Gregorian date (and time), SQLite's computeJD. */
function computeIJD(Y: number, M: number, D: number, t: Time | undefined): number | undefined {
  if (Y < -4713 || Y > 9999) return undefined;
  if (M <= 2) {
    Y--;
    M += 12;
  }
  const A = Math.trunc(Y / 100);
  const B = 2 - A + Math.trunc(A / 4);
  const X1 = Math.trunc((36525 * (Y + 4716)) / 100);
  const X2 = Math.trunc((306001 * (M + 1)) / 10000);
  let ijd = Math.trunc((X1 + X2 + D + B - 1524.5) * MS_PER_DAY);
  if (t) {
    ijd += t.h * 3_600_000 + t.m * 60_000 + Math.trunc(t.s * 1000 + 0.5);
    ijd -= t.tz * 60_000;
  }
  return ijd;
}

/** `[-]YYYY-MM-DD`, then any spaces or `T`s, then an optional time. */
function parseDate(z: string): number | undefined {
  let i = 0;
  let neg = false;
  if (z[0] === '-') {
    neg = true;
    i = 1;
  }
  const Y = digits(z, i, 4, 0, 9999);
  const M = z[i + 4] === '-' ? digits(z, i + 5, 2, 1, 12) : undefined;
  const D = z[i + 7] === '-' ? digits(z, i + 8, 2, 1, 31) : undefined;
  if (Y === undefined || M === undefined || D === undefined) return undefined;
  i += 10;
  while (isSpace(z[i]) || z[i] === 'T') i++;
  let t: Time | undefined;
  if (i < z.length) {
    t = parseTime(z, i);
    if (!t) return undefined;
  }
  return computeIJD(neg ? -Y : Y, M, D, t);
}

/** A plain number in the text is itself a Julian day number (SQLite's "DDDDDDDDDD" form). */
const NUMBER = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\v\f\r]*$/;

/**
 * SQLite's julianday(text) in integer milliseconds, or null where SQLite gives NULL.
 * `now` (any case) is the current time, taken from nowMs (unix milliseconds).
 */
export function julianDayMs(text: string, nowMs: number = Date.now()): number | null {
  let ijd = parseDate(text);
  if (ijd === undefined) {
    const t = parseTime(text, 0);
    if (t) ijd = computeIJD(2000, 1, 1, t);
  }
  if (ijd === undefined && text.toLowerCase() === 'now') ijd = Math.trunc(nowMs) + UNIX_EPOCH_IJD;
  if (ijd === undefined && NUMBER.test(text)) {
    const r = Number(text.trim());
    if (r >= 0 && r < 5373484.5) ijd = Math.trunc(r * MS_PER_DAY + 0.5);
  }
  if (ijd === undefined || !Number.isFinite(ijd) || ijd < 0 || ijd > MAX_IJD) return null;
  return ijd;
}

/** SQLite's julianday(text): the Julian day number, or null for text SQLite cannot read. */
export function julianDay(text: string, nowMs?: number): number | null {
  const ijd = julianDayMs(text, nowMs);
  return ijd === null ? null : ijd / MS_PER_DAY;
}

/** A Julian day number to SQLite's millisecond form, rounded as SQLite rounds a numeric date. */
function ijdOf(jd: number): number {
  if (!(jd >= 0 && jd < 5373484.5)) throw new RangeError(`Julian day ${jd} is outside years 0000..9999`);
  return Math.trunc(jd * MS_PER_DAY + 0.5);
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Format Julian-day milliseconds as `YYYY-MM-DDTHH:MM:SS.SSS` (SQLite's computeYMD/computeHMS). */
export function formatJulianMs(ijd: number): string {
  if (!(ijd >= 0 && ijd <= MAX_IJD)) throw new RangeError(`Julian day milliseconds ${ijd} out of range`);
  const Z = Math.trunc((ijd + 43_200_000) / MS_PER_DAY);
  let A = Math.trunc((Z - 1867216.25) / 36524.25);
  A = Z + 1 + A - Math.trunc(A / 4);
  const B = A + 1524;
  const C = Math.trunc((B - 122.1) / 365.25);
  const D = Math.trunc((36525 * (C & 32767)) / 100);
  const E = Math.trunc((B - D) / 30.6001);
  const X1 = Math.trunc(30.6001 * E);
  const day = B - D - X1;
  const month = E < 14 ? E - 1 : E - 13;
  const year = month > 2 ? C - 4716 : C - 4715;
  const dayMs = (ijd + 43_200_000) % MS_PER_DAY;
  const h = Math.trunc(dayMs / 3_600_000);
  const m = Math.trunc(dayMs / 60_000) % 60;
  const ms = dayMs % 60_000;
  const yyyy = year < 0 ? `-${pad(-year, 3)}` : pad(year, 4);
  return `${yyyy}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(Math.trunc(ms / 1000), 2)}.${pad(ms % 1000, 3)}`;
}

/** strftime('%Y-%m-%dT%H:%M:%f', jd): the form fossil writes in D and E cards. */
export function formatJulian(jd: number): string {
  return formatJulianMs(ijdOf(jd));
}

/** julianday(seconds, 'unixepoch'). */
export function unixToJulian(seconds: number): number {
  const r = seconds * 1000 + UNIX_EPOCH_IJD;
  if (!(r >= 0 && r < MAX_IJD + 1)) throw new RangeError(`unix time ${seconds} is outside years 0000..9999`);
  return Math.trunc(r + 0.5) / MS_PER_DAY;
}

/** Whole unix seconds of a Julian day, as strftime('%s', jd) / unixepoch(jd) give them. */
export function julianToUnix(jd: number): number {
  return Math.trunc(ijdOf(jd) / 1000) - UNIX_EPOCH_IJD / 1000;
}

/** julianday('now'). */
export function julianNow(nowMs: number = Date.now()): number {
  return (Math.trunc(nowMs) + UNIX_EPOCH_IJD) / MS_PER_DAY;
}

/** The current UTC time as fossil writes it in a D card: `YYYY-MM-DDTHH:MM:SS.SSS`. */
export function nowDateString(nowMs: number = Date.now()): string {
  return formatJulianMs(Math.trunc(nowMs) + UNIX_EPOCH_IJD);
}
