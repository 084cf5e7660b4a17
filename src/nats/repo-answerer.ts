/** A repository answering NATS sync requests through the sync engine's stateless server. */
import type { Repository } from '../repo/repository.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import { handleXferRequest, requestPushes, xferErrorReply } from '../sync/server-handler.ts';
import type { SyncAnswerer } from './responder.ts';

/**
 * Seconds a reply may take to build: well under the 30 s a Go peer waits for it, since parts
 * and the network come on top.
 */
const REPLY_SECONDS = 10;

/**
 * Largest request card text a NATS request may inflate to. Anyone who may send requests can
 * send one before any login is checked, so a small compressed message must not make us hold
 * hundreds of megabytes.
 */
export const NATS_MAX_REQUEST_TEXT = 64 * 1024 * 1024;

export class RepoAnswerer implements SyncAnswerer {
  constructor(
    readonly repo: Repository,
    private readonly maxMessageSize = NATS_MAX_REQUEST_TEXT,
  ) {}

  async answer(request: Uint8Array, budget: number): Promise<Uint8Array> {
    let text: Uint8Array;
    try {
      const decoded = decodeBody(request, XFER_CONTENT_TYPE, { maxSize: this.maxMessageSize });
      if (decoded.damagedEnvelope) return xferErrorReply(XFER_CONTENT_TYPE, `damaged request envelope (${decoded.fallback})`).body;
      text = decoded.text;
    } catch (e) {
      return xferErrorReply(XFER_CONTENT_TYPE, (e as Error).message).body;
    }
    const handle = () => {
      const reply = handleXferRequest(
        this.repo,
        { contentType: XFER_CONTENT_TYPE, body: request, text },
        { remoteAddress: 'nats' },
        // The repository's own max-download, as fossil's server honours it, when it is smaller.
        // A clone's head start has its own budget (max-download may be tiny), within what one reply may carry.
        { maxDownload: Math.min(budget, this.repo.config.getInt('max-download', budget)), maxDownloadTime: REPLY_SECONDS, maxMessageSize: this.maxMessageSize, headStartBytes: budget },
      );
      // A clone reply is plain text on HTTP; NATS always carries the envelope.
      return reply.contentType === XFER_CONTENT_TYPE ? reply.body : encodeBody(reply.body, XFER_CONTENT_TYPE);
    };
    // What a push brings must not ride on a sync session of ours that may still roll back: it
    // waits for the session to end. A pull writes nothing that matters (clusters, made again
    // the same), so it is answered at once, even while a session of ours waits on this peer.
    return requestPushes(text) ? this.repo.writeLock.run(handle) : handle();
  }
}
