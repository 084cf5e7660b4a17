/**
 * A bounded cache of prepared statements keyed by SQL text. Repository code calls
 * `db.prepare(sql)` in loops with constant SQL, so almost every lookup hits; the bound only
 * keeps one-off dynamic SQL from accumulating for the life of the connection.
 */
export class StatementCache<S> {
  private readonly map = new Map<string, S>();

  constructor(
    private readonly limit: number,
    private readonly dispose: (s: S) => void = () => {},
  ) {}

  get(sql: string, create: (sql: string) => S): S {
    let s = this.map.get(sql);
    if (s !== undefined) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.map.delete(sql);
      this.map.set(sql, s);
      return s;
    }
    s = create(sql);
    this.map.set(sql, s);
    if (this.map.size > this.limit) {
      const [oldestSql, oldest] = this.map.entries().next().value as [string, S];
      this.map.delete(oldestSql);
      this.dispose(oldest);
    }
    return s;
  }

  clear(): void {
    for (const s of this.map.values()) this.dispose(s);
    this.map.clear();
  }
}
