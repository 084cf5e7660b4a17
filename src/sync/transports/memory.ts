/**
 * A transport that hands each request straight to a server handler in the same process: for
 * tests, and for syncing two repositories the program has open at once.
 */
import type { RequestInfo, SyncTransport, WireMessage, XferService } from '../transport.ts';

export class MemoryTransport implements SyncTransport {
  readonly label: string;
  /** Every request and reply, when recording (for tests that look at the traffic). */
  readonly log: { request: WireMessage; reply: WireMessage }[] = [];

  constructor(
    private readonly server: XferService,
    private readonly opts: { label?: string; record?: boolean; info?: RequestInfo } = {},
  ) {
    this.label = opts.label ?? 'memory';
  }

  async exchange(request: WireMessage): Promise<WireMessage> {
    // Copy the bytes, so neither side can see later changes to the other's buffers.
    const req = { contentType: request.contentType, body: request.body.slice() };
    const reply = await this.server.handle(req, this.opts.info ?? { remoteAddress: '127.0.0.1' });
    const out = { contentType: reply.contentType, body: reply.body.slice() };
    if (this.opts.record) this.log.push({ request: req, reply: out });
    return out;
  }
}
