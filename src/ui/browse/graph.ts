/**
 * Lanes for the timeline graph. Rows come newest first; each check-in sits in a lane that
 * continues down to its primary parent, and each merge parent gets a line to its lane. A row
 * records which lanes pass above and below its node, so each row draws itself.
 */
export interface GraphRowIn {
  uuid: string;
  /** Empty for events that are not check-ins. */
  parents: string[];
  branch: string | null;
}

export interface GraphRow {
  /** Lane of the node; -1 for rows that are not check-ins. */
  lane: number;
  /** Lanes running through the top half (into the node when it is the node's or a converging one). */
  above: { lane: number; color: string }[];
  /** Lanes running on below the row. */
  below: { lane: number; color: string }[];
  /** Lanes of merge parents this node draws a line to. */
  merges: number[];
  /** Lanes that end in this node (they were waiting for it). */
  into: number[];
  width: number;
}

export function layoutGraph(rows: GraphRowIn[], colorOf: (branch: string | null) => string): GraphRow[] {
  // lanes[i]: the hash lane i waits for (the next row it reaches), or null when free.
  const lanes: (string | null)[] = [];
  const colors: string[] = [];
  const out: GraphRow[] = [];
  let width = 1;
  const free = () => {
    const i = lanes.indexOf(null);
    return i < 0 ? lanes.push(null) - 1 : i;
  };
  const live = () => lanes.flatMap((w, lane) => (w === null ? [] : [{ lane, color: colors[lane]! }]));
  for (const r of rows) {
    const above = live();
    if (!r.parents.length && !lanes.includes(r.uuid) && r.branch === null) {
      out.push({ lane: -1, above, below: above, merges: [], into: [], width: 0 });
      continue;
    }
    const waiting = lanes.flatMap((w, i) => (w === r.uuid ? [i] : []));
    const lane = waiting[0] ?? free();
    for (const i of waiting) lanes[i] = null;
    colors[lane] = colorOf(r.branch);
    const [primary, ...merged] = r.parents;
    lanes[lane] = primary ?? null;
    const merges: number[] = [];
    for (const p of merged) {
      let m = lanes.indexOf(p);
      if (m < 0) {
        m = free();
        lanes[m] = p;
        colors[m] = 'hsl(0 0% 65%)';
      }
      merges.push(m);
    }
    width = Math.max(width, lanes.length);
    out.push({ lane, above, below: live(), merges, into: waiting, width: 0 });
    while (lanes.length && lanes[lanes.length - 1] === null) lanes.pop();
  }
  for (const o of out) o.width = width;
  return out;
}
