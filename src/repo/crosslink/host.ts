/**
 * What the crosslinker needs from the repository it works on: the database and a few content
 * store operations. Declared structurally so the crosslinker depends only on behaviour, and so
 * the content store can call back into the crosslinker without an import cycle.
 */
import type { Db } from '../../db/db.ts';

export interface CrosslinkContent {
  /** The expanded artifact, or null/undefined when it is a phantom or otherwise unavailable. */
  tryGet(rid: number): Uint8Array | null | undefined;
  /** The rid of a known hash (phantoms included), or a falsy value when the hash is unknown. */
  ridOf(uuid: string): number | null | undefined;
  /** The rid of a hash, creating a phantom when it is unknown; 0 when the hash is shunned. */
  ensure(uuid: string, opts?: { isPrivate?: boolean }): number;
  isPrivate(rid: number): boolean;
}

export interface CrosslinkRepo {
  readonly db: Db;
  readonly content: CrosslinkContent;
}
