/** Numbers and times as people read them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 30) return `${Math.round(s / 86400)} days ago`;
  return new Date(iso).toLocaleDateString();
}

export function dateTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z?$|Z$/, '');
}

/** `n` things in words: "1 check-in", "2 check-ins". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Changes counted by kind, in words: "2 check-ins, 1 wiki change and 1 ticket change" (kinds with none left out). */
export function kindsInWords(c: { checkin: number; wiki: number; ticket: number; other: number }): string {
  const parts = [
    c.checkin && count(c.checkin, 'check-in'),
    c.wiki && count(c.wiki, 'wiki change'),
    c.ticket && count(c.ticket, 'ticket change'),
    c.other && count(c.other, 'other change'),
  ].filter((p): p is string => Boolean(p));
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
