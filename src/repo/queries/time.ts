/** Julian day numbers (as fossil stores them) to ISO 8601 UTC strings for display and JSON. */
const JD_UNIX_EPOCH = 2440587.5;

export function julianToIso(jd: number): string {
  const ms = Math.round((jd - JD_UNIX_EPOCH) * 86_400_000);
  return new Date(ms).toISOString();
}

/** fossil's CLI date form: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function julianToFossilDateTime(jd: number): string {
  return julianToIso(jd).slice(0, 19).replace('T', ' ');
}
