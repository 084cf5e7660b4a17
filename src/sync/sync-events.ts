/** What a sync reports as it goes, for progress displays and logs. */

export interface TrafficStats {
  /** Card text bytes (uncompressed). */
  bytes: number;
  /** Bytes of the HTTP body (compressed when the envelope is used). */
  wireBytes: number;
  cards: number;
  /** Artifacts sent or received as full content. */
  files: number;
  /** Artifacts sent or received as deltas. */
  deltas: number;
  igots: number;
  gimmes: number;
  /** Received deltas whose source has not arrived yet (stored, checked when it does). */
  dangling: number;
}

export interface RoundReport {
  /** 1-based. */
  round: number;
  sent: TrafficStats;
  received: TrafficStats;
  /** Whether another round follows. */
  more: boolean;
}

export interface CloneProgress {
  /** Artifacts received so far in this clone (including earlier, interrupted runs). */
  received: number;
  /** About how many artifacts the server has, when it can be told (otherwise undefined). */
  estimatedTotal?: number;
  /** The server's next rid to send; 0 once it has sent everything. */
  seqno: number;
  /** Of those received, how many are committed to storage: what an interruption keeps. */
  saved: number;
}

export interface SyncEvents {
  round?(report: RoundReport): void;
  cloneProgress?(progress: CloneProgress): void;
  /** A `message` card: "Server says: …". */
  message?(text: string): void;
  /** Warnings worth showing (e.g. an ignored error on the first round of a clone). */
  warning?(text: string): void;
  /**
   * A clone's head start (head-start.ts) is stored, crosslinked and committed: the newest
   * check-ins and the tip's files can be shown while the rest arrives.
   */
  headStart?(h: { artifacts: number }): void;
}

export function emptyTraffic(): TrafficStats {
  return { bytes: 0, wireBytes: 0, cards: 0, files: 0, deltas: 0, igots: 0, gimmes: 0, dangling: 0 };
}
