/**
 * Carrying a small new check-in to every peer at once, so propagation does not grow with the
 * number of peers.
 *
 * An announcement alone makes every peer that lacks the check-in pull it from the announcer,
 * one pull after another: about one round trip of the announcer's per peer. A server that gains
 * a check-in (written here, or pushed to it) also publishes the check-in's new artifacts (its
 * manifest, its baseline, the files it changes) on `.carry.<its peer id>`, once, before it
 * announces it. Every peer hears it; one that trusts the publisher to serve the project applies
 * it as the first reply of a pull from that peer (`CarriedTransport`): the same client session,
 * card checks and hash checks as any pull, so nothing enters by another path or another rule.
 * When that reply leaves nothing missing, the session ends without a request; when something is
 * (the peer was further behind), the session's next rounds go to the publisher as usual.
 *
 * Only what fits is carried (CARRY_MAX_BYTES, and the connection's max_payload): a big check-in
 * is pulled as before. What a peer pulled is not carried again: its publisher carried it already.
 */
import { CardWriter } from '../sync/card-writer.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import type { SyncTransport, WireMessage } from '../sync/transport.ts';
import type { Repository } from '../repo/repository.ts';

/** The largest carried body: a check-in of a few ordinary files, not a release tarball. */
export const CARRY_MAX_BYTES = 256 * 1024;

/**
 * The carried body of check-in `rid`: its manifest, its baseline manifest, and the files it
 * adds or changes, as `file` cards in the compressed envelope; undefined when the check-in is
 * private, not all there, or larger than `maxBytes`.
 */
export function carryBody(repo: Repository, rid: number, maxBytes = CARRY_MAX_BYTES): Uint8Array | undefined {
  const c = repo.content;
  const db = repo.db;
  const rids = [rid];
  const base = db.value<number>('SELECT baseid FROM plink WHERE cid=? AND baseid IS NOT NULL LIMIT 1', rid);
  if (base !== undefined) rids.push(base);
  rids.push(...db.prepare('SELECT DISTINCT fid FROM mlink WHERE mid=? AND fid>0').column<number>(rid));
  const w = new CardWriter();
  let bytes = 0;
  for (const r of rids) {
    if (!c.isAvailable(r) || c.isPrivate(r)) return undefined;
    const uuid = c.uuidOf(r);
    bytes += c.size(r);
    if (uuid === undefined || bytes > maxBytes) return undefined;
    w.file(uuid, c.get(r));
  }
  return encodeBody(w.finish(), XFER_CONTENT_TYPE);
}

/**
 * A pull whose first reply is already here (a carried body): the first exchange returns it
 * without sending anything, and any further round goes to `rest`, made only when needed.
 */
export class CarriedTransport implements SyncTransport {
  private carried: Uint8Array | undefined;
  private next: SyncTransport | undefined;

  constructor(
    body: Uint8Array,
    private readonly rest: () => SyncTransport,
    readonly label: string,
  ) {
    this.carried = body;
  }

  /** Whether the session needed more than what was carried. */
  get wentOn(): boolean {
    return this.next !== undefined;
  }

  async exchange(request: WireMessage): Promise<WireMessage> {
    const body = this.carried;
    if (body !== undefined) {
      this.carried = undefined;
      return { contentType: XFER_CONTENT_TYPE, body };
    }
    this.next ??= this.rest();
    return this.next.exchange(request);
  }
}
