/**
 * The server side of one xfer request (xfer.c page_xfer). Stateless: everything it knows about
 * the client comes from the request. It reads the cards in order, answers into one reply, and
 * runs in one transaction: when it answers with an error, nothing the request did is kept.
 */
import { DEFAULT_MAX_MESSAGE_SIZE, type CardLimits } from './card-limits.ts';
import { CardParseError, CardReader } from './card-parser.ts';
import { CardWriter } from './card-writer.ts';
import type { XferCard } from './card-types.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE, XFER_DEBUG_CONTENT_TYPE, XFER_UNCOMPRESSED_CONTENT_TYPE, type XferContentType } from './envelope.ts';
import { acceptCompressedFile, acceptFile, ReceiveError } from './artifact-receive.ts';
import { requestPhantoms, sendAll, sendCompressedFile, sendFile, sendPrivateIgots, sendUnclustered } from './artifact-send.ts';
import { addCapabilities, anonymousRights, type SyncRights } from './capabilities.ts';
import { createClusters } from './clusters.ts';
import { allowedGroups, configNameToMask, ConfigGroup, receiveConfig, sendConfigGroups } from './config-sync.ts';
import { VERSION_ARGS } from './peer-version.ts';
import { DEFAULT_HEAD_START_BYTES, HEAD_START_PRAGMA, parseHeadStartRequest, writeHeadStart } from './head-start.ts';
import { inExchangeTransaction } from './round-transaction.ts';
import { checkLogin } from './server-login.ts';
import type { RequestInfo, WireMessage, XferService } from './transport.ts';
import { acceptUnversionedFile, sendUnversionedCatalog, sendUnversionedFile, unversionedHash } from './unversioned.ts';
import { urlize } from './urlize.ts';
import { XferState } from './xfer-state.ts';
import type { Db } from '../db/db.ts';
import type { Repository } from '../repo/repository.ts';

export interface ServerOptions {
  /** Reply content budget in bytes (default: setting `max-download`, else 5 000 000). */
  maxDownload?: number;
  /** Reply time budget in seconds (default: setting `max-download-time`, else 30; at least 1). */
  maxDownloadTime?: number;
  /** Bounds on what a request may contain. */
  cardLimits?: Partial<CardLimits>;
  /** Largest request card text accepted. */
  maxMessageSize?: number;
  /**
   * The most a clone's head start (head-start.ts) puts in its reply, which carries nothing else
   * (max-download may be tiny; the head start is what a browser shows first). Over NATS the
   * reply budget, so the reply still fits max_payload. Default 4 MiB.
   */
  headStartBytes?: number;
}

/** Most phantoms a server asks a pushing client for in one reply. */
const MAX_SERVER_GIMMES = 500;

/** Stop reading cards: the reply is the cards written so far (usually just an error). */
class StopRequest extends Error {}

/**
 * The artifact count each clone round carries, kept while the file is unchanged: counting reads
 * every blob row (25 ms on the 60,244-artifact history), and a clone asks 25 times; that was a
 * third of serving it. Unchanged means no other connection committed (data_version) and this one
 * changed no row (total_changes). It is only the total a client's progress is shown against.
 */
const artifactCounts = new WeakMap<Db, { key: string; count: number }>();

function artifactCount(db: Db): number {
  const key = `${db.value<number>('PRAGMA data_version')} ${db.value<number>('SELECT total_changes()')}`;
  const known = artifactCounts.get(db);
  if (known?.key === key) return known.count;
  const count = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
  artifactCounts.set(db, { key, count });
  return count;
}

function replyTypeOf(requestType: string): XferContentType {
  const t = requestType.split(';')[0]!.trim().toLowerCase();
  if (t === XFER_DEBUG_CONTENT_TYPE) return XFER_DEBUG_CONTENT_TYPE;
  if (t === XFER_UNCOMPRESSED_CONTENT_TYPE) return XFER_UNCOMPRESSED_CONTENT_TYPE;
  return XFER_CONTENT_TYPE;
}

function timestampComment(errors: number): string {
  return `timestamp ${new Date().toISOString().slice(0, 19)} errors ${errors}`;
}

/** The text of a card line, for `bad command` errors. */
function cardLineText(card: XferCard): string {
  if (card.kind === 'blank') return '\n';
  if (card.kind === 'unknown') return [card.name, ...card.args].join(' ');
  return card.kind;
}

/** One request being answered. */
class ServerRequest {
  readonly x: XferState;
  readonly rights: SyncRights;
  private readonly inherited = new Set<string>();
  replyType: XferContentType;
  errors = 0;
  private isPull = false;
  private isPush = false;
  /** Legacy `clone` with no arguments: a pull that sends stored deltas. */
  private isLegacyClone = false;
  private nativeDeltas = false;
  private gimmes = 0;
  private uvCatalogSent = false;
  private resync = 0;
  private uid: number | undefined;
  private loginNonce: string | undefined;
  private receiptStarted = false;
  /** This reply carries a clone's head start (head-start.ts). */
  private headStartSent = false;

  constructor(
    readonly repo: Repository,
    readonly message: Uint8Array,
    requestType: string,
    private readonly info: RequestInfo,
    private readonly opts: ServerOptions,
  ) {
    const config = repo.config;
    const maxSend = opts.maxDownload ?? config.getInt('max-download', 5_000_000);
    const seconds = Math.max(1, opts.maxDownloadTime ?? config.getInt('max-download-time', 30));
    // An unannounced client is assumed too old for SHA3 until it says otherwise.
    this.x = new XferState(repo, { maxSend, deadline: Date.now() + seconds * 1000, remoteVersion: 0, newlineAfterCfile: true });
    this.rights = anonymousRights(repo.db);
    this.inherited.add('nobody');
    this.replyType = replyTypeOf(requestType);
  }

  private get out() {
    return this.x.out;
  }

  /** Discard the reply so far, write an error, stop reading cards. */
  private stop(text: string, prefix?: () => void): never {
    this.x.resetOutput();
    prefix?.();
    this.out.error(text);
    this.errors++;
    throw new StopRequest(text);
  }

  private ensureReceipt(): void {
    if (this.receiptStarted) return;
    this.repo.content.beginReceipt({ uid: this.uid ?? 0, nonce: this.loginNonce ?? null, ipaddr: this.info.remoteAddress ?? null });
    this.receiptStarted = true;
  }

  run(limits: Partial<CardLimits> | undefined): void {
    const reader = new CardReader(this.message, limits);
    try {
      this.checkSyntax(limits);
      for (;;) {
        let card: XferCard | undefined;
        try {
          card = reader.next();
        } catch (e) {
          if (e instanceof CardParseError) this.stop(e.message);
          throw e;
        }
        if (card === undefined) break;
        this.card(card);
      }
      this.afterCards();
    } catch (e) {
      if (!(e instanceof StopRequest)) throw e;
    }
    this.out.comment(timestampComment(this.errors));
  }

  /**
   * Parse the whole request once before acting on any card: a request that breaks the card
   * limits (a million igots, say) is refused for the price of a parse, not after a transaction's
   * worth of work that is then rolled back.
   */
  private checkSyntax(limits: Partial<CardLimits> | undefined): void {
    const pre = new CardReader(this.message, limits);
    try {
      while (pre.next() !== undefined);
    } catch (e) {
      if (e instanceof CardParseError) this.stop(e.message);
      throw e;
    }
  }

  private card(card: XferCard): void {
    const { x, rights, repo } = this;
    switch (card.kind) {
      case 'comment':
        return;
      case 'file':
      case 'cfile': {
        if (!this.isPush) this.stop('not authorized to write');
        this.ensureReceipt();
        try {
          const opts = { clone: false, mayReceivePrivate: rights.private };
          if (card.kind === 'file') acceptFile(x, card, opts);
          else acceptCompressedFile(x, card, opts);
        } catch (e) {
          if (e instanceof ReceiveError) this.stop(urlize(e.message));
          throw e;
        }
        return;
      }
      case 'uvfile':
        try {
          acceptUnversionedFile(x, card, rights.writeUnversioned);
        } catch (e) {
          if (e instanceof ReceiveError) this.stop(urlize(e.message));
          throw e;
        }
        return;
      case 'gimme': {
        this.gimmes++;
        x.unknownToRemote.add(card.hash);
        if (this.isPull) {
          const rid = repo.content.ridOf(card.hash);
          if (rid !== undefined) sendFile(x, rid, card.hash, this.nativeDeltas);
        }
        return;
      }
      case 'uvgimme':
        sendUnversionedFile(x, card.name, false, true);
        return;
      case 'igot':
        if (this.isPush) this.igot(card.hash, card.isPrivate);
        return;
      case 'pull':
      case 'push':
        return this.pullOrPush(card.kind, card.projectCode);
      case 'clone':
        return this.clone(card.protocol, card.seqno);
      case 'login': {
        const r = checkLogin(repo.db, this.message, card, repo.projectCode);
        if (!r.ok) this.stop('login failed');
        // A nonce recorded by an earlier receipt means this exact request was delivered before
        // (a replay, or a network duplicate): refuse it, rather than fail on rcvfrom's UNIQUE nonce.
        if (repo.db.value('SELECT 1 FROM rcvfrom WHERE nonce=?', card.nonce) !== undefined) {
          this.stop('login failed: replayed request (nonce already used)');
        }
        addCapabilities(rights, r.caps, repo.db, this.inherited);
        if (r.uid !== undefined) {
          this.uid = r.uid;
          this.loginNonce = card.nonce;
        }
        return;
      }
      case 'reqconfig':
        if (rights.read && card.name.startsWith('/')) {
          sendConfigGroups(this.out, repo.db, allowedGroups(configNameToMask(card.name), rights));
        }
        return;
      case 'config':
        if (!rights.admin) this.stop('not authorized to push configuration');
        receiveConfig(repo.db, card.name, card.payload, ConfigGroup.ALL, { admin: true, readAddresses: true });
        return;
      case 'cookie':
        return;
      case 'private':
        if (!rights.private) this.privateRefused();
        else x.nextIsPrivate = true;
        return;
      case 'pragma':
        return this.pragma(card.name, card.args);
      default:
        // Anything else, blank lines included, is not something a client may send.
        x.resetOutput();
        this.out.error(`bad command: ${cardLineText(card)}`);
        this.errors++;
        return;
    }
  }

  private privateRefused(): void {
    this.out.error('not authorized to sync private content');
    this.errors++;
  }

  private igot(hash: string, isPrivate: boolean): void {
    const c = this.repo.content;
    let rid: number | undefined;
    let makePrivate = false;
    if (!isPrivate) {
      rid = c.ensure(hash);
    } else if (this.rights.private) {
      rid = c.ensure(hash, { isPrivate: true });
      makePrivate = true;
    } else {
      // A private artifact the client will not send: if we hold it as a phantom, mark that
      // phantom private so we stop asking for it.
      rid = c.ridOf(hash);
      makePrivate = true;
    }
    if (!rid) return;
    this.x.remoteHas(rid);
    if (makePrivate) c.makePrivate(rid);
    else c.makePublic(rid);
  }

  private pullOrPush(kind: 'pull' | 'push', projectCode: string): void {
    if (projectCode !== this.repo.projectCode) this.stop('wrong project');
    if (kind === 'pull') {
      if (!this.rights.read) this.stop('not authorized to read');
      this.isPull = true;
    } else if (!this.rights.write) {
      if (!this.isPull) this.stop('not authorized to write');
      this.out.message('pull only - not authorized to push');
    } else {
      this.isPush = true;
    }
  }

  private pushCard(): void {
    const c = this.repo.config;
    this.out.push(c.serverCode ?? 'x', this.repo.projectCode);
  }

  private clone(protocol: number | undefined, seqno: number | undefined): void {
    const { x, repo } = this;
    if (!this.rights.clone) this.stop('not authorized to clone', () => this.pushCard());
    if (repo.config.getInt('uv-sync', 0) && !this.uvCatalogSent) {
      this.out.pragma('uv-pull-only');
      sendUnversionedCatalog(x);
      this.uvCatalogSent = true;
    }
    if (protocol !== undefined && protocol >= 2) {
      if (protocol >= 3) this.replyType = XFER_UNCOMPRESSED_CONTENT_TYPE;
      let next = seqno ?? 1;
      const max = repo.db.value<number>('SELECT max(rid) FROM blob') ?? 0;
      // A reply with a head start is only that: it comes sooner (the page shows it as soon as it
      // is in), and the clone's own artifacts start with the next round.
      while (!this.headStartSent && x.maxSend > this.out.byteLength && next <= max) {
        if (x.deadline !== undefined && Date.now() >= x.deadline) break;
        if (protocol >= 3) sendCompressedFile(x, next);
        else sendFile(x, next, undefined, true);
        next++;
      }
      // Not an upstream card: lets our clients show progress against a total. Stock clients
      // ignore pragmas they do not know.
      this.out.pragma('artifact-count', String(artifactCount(repo.db)));
      this.out.cloneSeqno(next > max ? 0 : next);
    } else {
      this.isLegacyClone = true;
      this.isPull = true;
      this.nativeDeltas = true;
    }
    this.pushCard();
  }

  private pragma(name: string, args: string[]): void {
    const { x, rights } = this;
    switch (name) {
      case 'send-private':
        if (!rights.private) this.privateRefused();
        else x.syncPrivate = true;
        return;
      case 'send-catalog':
        this.resync = 0x7fffffff;
        return;
      case 'client-version': {
        if (args.length < 1) return;
        x.remoteVersion = Number.parseInt(args[0]!, 10) || 0;
        if (args.length >= 3) {
          x.remoteDate = Number.parseInt(args[1]!, 10) || 0;
          this.out.pragma('server-version', ...VERSION_ARGS);
        }
        return;
      }
      case HEAD_START_PRAGMA: {
        // Only for whoever may clone (the login card, first in the request, has been read),
        // once per request.
        const req = parseHeadStartRequest(args);
        if (!req || !rights.clone || this.headStartSent) return;
        this.headStartSent = true;
        writeHeadStart(x, req, this.opts.headStartBytes ?? DEFAULT_HEAD_START_BYTES);
        return;
      }
      case 'uv-hash': {
        const hash = args[0];
        if (hash === undefined || !/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(hash)) return;
        if (!this.uvCatalogSent && rights.read && hash !== unversionedHash(this.repo.db)) {
          this.out.pragma(rights.writeUnversioned ? 'uv-push-ok' : 'uv-pull-only');
          sendUnversionedCatalog(x);
        }
        this.uvCatalogSent = true;
        return;
      }
      default:
        // ci-lock, client-url, req-links and anything unknown: requests we may ignore.
        return;
    }
  }

  private afterCards(): void {
    const { x, repo } = this;
    if (this.isPush) requestPhantoms(x, MAX_SERVER_GIMMES);
    if (this.isLegacyClone && this.gimmes === 0) {
      sendAll(x);
      sendPrivateIgots(x);
    } else if (this.isPull) {
      createClusters(repo);
      sendUnclustered(x, this.resync);
      sendPrivateIgots(x);
    }
  }
}

/** A reply that is only an error card, of the type that answers this request type. */
export function xferErrorReply(requestType: string, text: string): WireMessage {
  const type = replyTypeOf(requestType);
  const w = new CardWriter();
  w.error(text).comment(timestampComment(1));
  return { contentType: type, body: encodeBody(w.finish(), type) };
}

/** Roll back the request's work while still returning its reply. */
class RollbackWithReply extends Error {}

/**
 * Answer one request. Never throws for anything in the request: problems become `error` cards.
 */
export function handleXferRequest(
  repo: Repository,
  request: WireMessage,
  info: RequestInfo = {},
  opts: ServerOptions = {},
): WireMessage {
  const errorReply = (text: string): WireMessage => xferErrorReply(request.contentType, text);
  // Every client sends at least its version and a nonce: nothing at all is a request cut short on
  // the way, and answering it as an empty one would tell the client that all it asked went well.
  if ((request.text ?? request.body).length === 0) return errorReply('empty request');
  let message: Uint8Array;
  if (request.text) {
    if (request.text.length > (opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE)) return errorReply(`message of ${request.text.length} bytes is over the limit`);
    message = request.text;
  } else try {
    const decoded = decodeBody(request.body, request.contentType, { maxSize: opts.maxMessageSize });
    // Plain text under the envelope type is fine (--no-http-compression), but a body that starts
    // like an envelope and does not inflate is a damaged one, not text.
    if (decoded.damagedEnvelope) return errorReply(`damaged request envelope (${decoded.fallback})`);
    message = decoded.text;
  } catch (e) {
    return errorReply((e as Error).message);
  }
  let req: ServerRequest | undefined;
  try {
    inExchangeTransaction(repo, () => {
      req = new ServerRequest(repo, message, request.contentType, info, opts);
      req.run(opts.cardLimits);
      if (req.errors > 0) throw new RollbackWithReply();
    });
  } catch (e) {
    if (!(e instanceof RollbackWithReply)) return errorReply(`server error: ${(e as Error).message}`);
  } finally {
    repo.content.endReceipt();
  }
  const r = req!;
  return { contentType: r.replyType, body: encodeBody(r.x.out.finish(), r.replyType) };
}

/** Does a request's card text push (a `push` card at the start of a line)? */
export function requestPushes(text: Uint8Array): boolean {
  for (let i = 0; i + 5 <= text.length; i++) {
    if ((i === 0 || text[i - 1] === 10) && text[i] === 112 && text[i + 1] === 117 && text[i + 2] === 115 && text[i + 3] === 104 && text[i + 4] === 32) return true;
  }
  return false;
}

/**
 * handleXferRequest bound to one repository, as an XferService. What a push brings must not
 * land inside a sync session of this process that may still roll back (write-lock.ts): a push
 * waits for the repository's write lock. A pull writes nothing that matters and is answered at
 * once, even while a session of ours waits on that very peer.
 */
export class XferServer implements XferService {
  constructor(
    readonly repo: Repository,
    private readonly opts: ServerOptions = {},
  ) {}

  handle(request: WireMessage, info?: RequestInfo): WireMessage | Promise<WireMessage> {
    let text = request.text;
    if (!text) {
      try {
        const decoded = decodeBody(request.body, request.contentType, { maxSize: this.opts.maxMessageSize });
        if (!decoded.damagedEnvelope) text = decoded.text;
      } catch {
        // handleXferRequest reports it
      }
    }
    const run = () => handleXferRequest(this.repo, text ? { ...request, text } : request, info, this.opts);
    return text && requestPushes(text) ? this.repo.writeLock.run(run) : run();
  }
}
