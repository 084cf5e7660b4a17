/**
 * The client side of a sync (xfer.c client_sync): rounds of request and reply until the
 * round-termination rule says the two repositories agree. Used for clone, pull, push and sync.
 *
 * Each round: build the request from the repository (no writes), exchange it, then process the
 * reply in one transaction (with a crosslink session, except when cloning). If anything in the
 * reply is wrong, that transaction rolls back and the sync stops with a SyncError; rounds that
 * finished before stay committed, so an interrupted sync leaves a consistent repository and the
 * next one carries on. A failure of our own storage rolls back the same way, but stops the sync
 * as the StorageError it is: the peer is not to blame for it.
 */
import { CodedError, type ErrorCode } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import { acceptCompressedFile, acceptFile, ReceiveError } from './artifact-receive.ts';
import { requestPhantoms, sendFile, sendPrivateIgots, sendUnclustered, sendUnsent } from './artifact-send.ts';
import { CardParseError, CardReader } from './card-parser.ts';
import type { CardLimits } from './card-limits.ts';
import type { XferCard } from './card-types.ts';
import { CardWriter } from './card-writer.ts';
import { ConfigGroup, receiveConfig } from './config-sync.ts';
import { decodeBody, encodeBody, EnvelopeError, XFER_CONTENT_TYPE, XFER_DEBUG_CONTENT_TYPE, type XferContentType } from './envelope.ts';
import { randomNonceSalt, signPayload } from './login.ts';
import { VERSION_ARGS } from './peer-version.ts';
import { refusalOf } from './refusal.ts';
import { inExchangeTransaction } from './round-transaction.ts';
import { HEAD_START_PRAGMA } from './head-start.ts';
import { emptyTraffic, type RoundReport, type SyncEvents, type TrafficStats } from './sync-events.ts';
import type { SyncTransport } from './transport.ts';
import {
  acceptUnversionedFile, ensureUnversionedTable, hasUnversionedTable, sendUnversionedFile, unversionedHash, unversionedStatus,
} from './unversioned.ts';
import { XferState, zeroCounters, type XferCounters } from './xfer-state.ts';

/** The peer's side of a sync went wrong: what it sent, what it said, or that it said nothing. */
export class SyncError extends CodedError {
  override name = 'SyncError';
  constructor(
    message: string,
    /** The text of the server's `error` card, when that is what stopped the sync. */
    readonly serverError?: string,
    options: { code?: ErrorCode; cause?: unknown } = {},
  ) {
    super(options.code ?? codeOfServerError(serverError), message, { cause: options.cause });
  }
}

/** Whose problem a server's `error` card is; no card at all means the peer sent something wrong. */
function codeOfServerError(text: string | undefined): ErrorCode {
  if (text === undefined) return 'peer-bad-data';
  const refusal = refusalOf(text);
  if (refusal === 'login') return 'auth';
  return refusal ? 'peer-refused' : 'peer-failed';
}

export interface LoginInfo {
  user: string;
  /** Clear text, or the 40-hex shared secret. */
  password: string;
}

/** How request bodies travel: the compressed envelope, plain text under the same type, or debug. */
export type RequestEncoding = 'compressed' | 'uncompressed' | 'debug';

export interface ClientSyncOptions {
  pull?: boolean;
  push?: boolean;
  /** Clone protocol 3 from this seqno (the clone driver sets it). */
  cloneFrom?: number;
  /**
   * Work to do while a request is out (the clone's linker): called once the request is on its
   * way; it should return soon after `replied()` turns true. Inside the open group of rounds
   * when a clone groups its commits (cloneCommitEveryMs), else outside any transaction.
   */
  whileWaiting?: (replied: () => boolean) => Promise<void>;
  /** Also sync private artifacts (needs capability x on the server). */
  private?: boolean;
  /** Also sync unversioned files. */
  unversioned?: boolean;
  /** Ask the server for every artifact it has (`pragma send-catalog`), not only new ones. */
  verily?: boolean;
  login?: LoginInfo;
  /** Configuration groups to request (ConfigGroup mask). */
  configGroups?: number;
  encoding?: RequestEncoding;
  /** Largest request content (default: setting `max-upload`, else 250 000). */
  maxUpload?: number;
  events?: SyncEvents;
  cardLimits?: Partial<CardLimits>;
  /** Give up after this many rounds (a guard against a peer that never converges). */
  maxRounds?: number;
  /**
   * All or nothing (pull, push, sync; not clone): every round in one transaction, committed
   * when the session ends well, rolled back when it fails or the process dies, as fossil's
   * client_sync does. While it is open the session holds the repository's writeLock.
   */
  atomic?: boolean;
  /**
   * A clone's rounds (and the linking between them) are committed together, once this many
   * milliseconds have passed since the group began, instead of one commit per round. Each
   * commit rewrites the indexes' pages and their journal; on storage where every write is
   * costly (OPFS in a browser) that was most of a clone's time. What an interrupted clone
   * loses is at most one group, which it fetches again when it resumes. Default: every round.
   */
  cloneCommitEveryMs?: number;
  /**
   * A fresh clone asks the server for a head start (head-start.ts) with its first request (and
   * with the second, when the first was refused for want of a login). What comes is checked
   * against its names as it is stored; `arrived` gets the rids, newest check-in first, inside the
   * round's transaction, which then commits at once. A server that does not know the pragma
   * sends nothing, and the clone goes on as without.
   */
  headStart?: { checkins: number; fileBytes: number; arrived(rids: number[]): void };
}

export interface SyncResult {
  rounds: number;
  artifactsSent: number;
  artifactsReceived: number;
  /** Wire bytes. */
  bytesSent: number;
  bytesReceived: number;
  /** Texts of `message` cards. */
  messages: string[];
  /** Clone only: the project code the server announced. */
  projectCode?: string;
}

/** The setting where an unfinished clone keeps the server's next seqno, so it can resume. */
export const CLONE_SEQNO_SETTING = 'edgesync-clone-seqno';
/** And how many artifacts it has received so far. */
export const CLONE_RECEIVED_SETTING = 'edgesync-clone-received';

const DEFAULT_MAX_UPLOAD = 250_000;
const MIN_PHANTOM_REQUESTS = 200;
const DEFAULT_MAX_ROUNDS = 100_000;

interface UvToSend {
  mtimeOnly: boolean;
}

export class ClientSession {
  private pull: boolean;
  private push: boolean;
  private readonly clone: boolean;
  private cloneSeqno: number;
  private readonly syncPrivate: boolean;
  private readonly unversioned: boolean;
  private configGroups: number;
  private resync: number;
  private round = 0;
  private mxPhantomReq = MIN_PHANTOM_REQUESTS;
  private remoteVersion = 22100;
  private remoteDate = 0;
  private uvHashSent = false;
  private uvDoPush = false;
  private uvPullOnly = 0;
  private readonly uvToSend = new Map<string, UvToSend>();
  private readonly encoding: RequestEncoding;
  private readonly maxUpload: number;
  private readonly events: SyncEvents;
  private readonly result: SyncResult = { rounds: 0, artifactsSent: 0, artifactsReceived: 0, bytesSent: 0, bytesReceived: 0, messages: [] };
  private cloneReceived: number;
  /** What of the clone is committed (cloneReceived as of the last commit). */
  private cloneSaved: number;
  private queuedSent: XferCounters = zeroCounters();
  /**
   * How long a group of rounds runs in one transaction before it commits: forever for an atomic
   * session, cloneCommitEveryMs for a clone, undefined when each round commits by itself.
   */
  private groupMs: number | undefined;
  private groupStarted = 0;
  private releaseLock: (() => void) | undefined;
  private estimatedTotal: number | undefined;
  /** The server answered the head start (or said it has none): it is not asked for again. */
  private headStartAnswered = false;
  /** Cards of the head start still to come in this reply, and the rids of those that came. */
  private headStartLeft = 0;
  private headStartRids: number[] = [];
  /** About how many rounds the server said the clone still takes after its head start. */
  private headStartRounds = Infinity;

  constructor(
    readonly repo: Repository,
    readonly transport: SyncTransport,
    private readonly opts: ClientSyncOptions,
  ) {
    this.clone = opts.cloneFrom !== undefined;
    this.cloneSeqno = opts.cloneFrom ?? 0;
    // A clone neither pulls nor pushes in the ordinary sense.
    this.pull = !this.clone && Boolean(opts.pull);
    this.push = !this.clone && Boolean(opts.push) && repo.config.getInt('dont-push', 0) === 0;
    this.syncPrivate = Boolean(opts.private);
    this.unversioned = Boolean(opts.unversioned);
    this.configGroups = opts.configGroups ?? 0;
    this.resync = opts.verily && this.push ? 0x7fffffff : 0;
    this.encoding = opts.encoding ?? 'compressed';
    this.maxUpload = opts.maxUpload ?? repo.config.getInt('max-upload', DEFAULT_MAX_UPLOAD);
    this.events = opts.events ?? {};
    this.cloneReceived = this.clone ? repo.config.getInt(CLONE_RECEIVED_SETTING, 0) : 0;
    this.cloneSaved = this.cloneReceived;
  }

  /** `pragma head-start N BYTES`, before the clone card, while it is worth asking. */
  private askHeadStart(w: CardWriter): void {
    const h = this.opts.headStart;
    if (!h || this.headStartAnswered || this.round > 0) return;
    w.pragma(HEAD_START_PRAGMA, String(h.checkins), String(h.fileBytes));
  }

  private get serverCode(): string {
    return this.repo.config.serverCode ?? 'x';
  }

  /** The cards every request starts with. */
  private seed(first: boolean): CardWriter {
    const w = new CardWriter();
    if (first && this.syncPrivate) w.pragma('send-private');
    w.pragma('client-version', ...VERSION_ARGS);
    if (!first && this.syncPrivate) w.pragma('send-private');
    if (first && this.clone) {
      if (this.cloneSeqno === 1) this.askHeadStart(w);
      w.clone(3, this.cloneSeqno);
    } else if (this.pull) {
      w.pull(this.serverCode, this.repo.projectCode);
      if (first && this.opts.verily) w.pragma('send-catalog');
    }
    if (this.push) w.push(this.serverCode, this.repo.projectCode);
    return w;
  }

  async run(): Promise<SyncResult> {
    if (!this.pull && !this.push && !this.clone && !this.unversioned && this.configGroups === 0) return this.result;
    if (this.unversioned || this.clone) {
      for (const name of this.localUnversionedNames()) this.uvToSend.set(name, { mtimeOnly: false });
    }
    let request = this.seed(true);
    const maxRounds = this.opts.maxRounds ?? DEFAULT_MAX_ROUNDS;
    // The session's receipt (uid 0) starts with the first artifact actually stored, so a reply
    // whose artifacts are all dropped (private ones we did not ask for) leaves no trace.
    this.repo.content.endReceipt();
    const db = this.repo.db;
    const atomic = Boolean(this.opts.atomic) && !this.clone;
    const grouped = this.clone && (this.opts.cloneCommitEveryMs ?? 0) > 0;
    this.groupMs = db.inTransaction ? undefined : atomic ? Infinity : grouped ? this.opts.cloneCommitEveryMs : undefined;
    let ok = false;
    try {
      for (let go = true; go; ) {
        if (this.round >= maxRounds) throw new SyncError(`gave up after ${maxRounds} rounds without converging`);
        const step = await this.oneRound(request);
        request = step.next;
        go = step.go;
      }
      ok = true;
    } finally {
      this.repo.content.endReceipt();
      // A clone keeps the rounds that went well (the failed one was rolled back by itself).
      try {
        this.closeGroup(ok || this.clone);
      } catch (e) {
        if (ok) throw e; // else the first error is the one to report
      }
    }
    return this.result;
  }

  /** End the open group of rounds: commit it, or roll it back (also when the commit fails). */
  private closeGroup(commit: boolean): void {
    if (!this.releaseLock) return;
    const db = this.repo.db;
    try {
      if (!db.inTransaction) return; // SQLite rolled back by itself (a full disk)
      try {
        if (commit) {
          db.exec('COMMIT');
          this.cloneSaved = this.cloneReceived;
          return;
        }
      } catch (e) {
        this.rollBackGroup();
        throw e;
      }
      this.rollBackGroup();
    } finally {
      this.releaseLock();
      this.releaseLock = undefined;
    }
  }

  private rollBackGroup(): void {
    try {
      this.repo.db.exec('ROLLBACK');
    } catch {
      // SQLite may have rolled back by itself (a full disk); the first error is the one to report.
    }
    this.repo.content.clearCache();
  }

  /**
   * A group of rounds (an atomic session's one transaction) opens when a reply is in, not
   * before: waiting for a peer (one that may never answer) holds no lock (a clone's opens
   * before the request, see exchange). From then on the
   * rounds run as savepoints inside it, and the repository's write lock keeps other writers of
   * this process out until it ends.
   */
  private async openGroup(): Promise<void> {
    if (this.groupMs === undefined || this.releaseLock) return;
    this.releaseLock = await this.repo.writeLock.acquire();
    this.repo.db.exec('BEGIN IMMEDIATE');
    this.groupStarted = performance.now();
  }

  /** A clone's group commits once it has run its time. */
  private groupDone(): void {
    if (this.releaseLock && this.groupMs !== undefined && performance.now() - this.groupStarted >= this.groupMs) this.closeGroup(true);
  }

  private localUnversionedNames(): string[] {
    const db = this.repo.db;
    if (!hasUnversionedTable(db)) return [];
    return db.prepare('SELECT name FROM unversioned WHERE hash IS NOT NULL').column<string>();
  }

  /** One round: finish the request, exchange it, process the reply. */
  private async oneRound(request: CardWriter): Promise<{ next: CardWriter; go: boolean }> {
    const round = this.buildRequest(request);
    const reply = await this.exchange(round);
    return this.processRound(round, reply);
  }

  /** The rest of the request (reads only), signed and encoded for the wire. */
  private buildRequest(request: CardWriter): RoundRequest {
    const { repo } = this;
    const x = new XferState(repo, { maxSend: this.maxUpload, remoteVersion: this.remoteVersion });
    x.out = request;
    // What answering the last reply already put into this request (files the server asked for,
    // private ones among them) is sent with it: count it here.
    Object.assign(x.counters, this.queuedSent);
    x.syncPrivate = this.syncPrivate;
    x.remoteDate = this.remoteDate;
    const isCloneRound1 = this.clone && this.round === 0;

    const cookie = repo.config.get('cookie');
    if (cookie && !/\s/.test(cookie)) x.out.cookie(cookie);
    // (After a head start, seqno 1 is still to come, but its phantoms are what the rounds bring.)
    if (this.pull || (this.clone && this.cloneSeqno === 1 && !this.headStartAnswered)) requestPhantoms(x, this.mxPhantomReq);
    let sentUnsent = false;
    if (this.push) {
      sendUnsent(x);
      sentUnsent = true;
      this.resync = sendUnclustered(x, this.resync).resync;
      sendPrivateIgots(x);
    }
    let configMask = 0;
    if (this.configGroups && !isCloneRound1) {
      for (const name of configRequestNames(this.configGroups)) x.out.reqconfig(name);
      configMask = this.configGroups;
      this.configGroups = 0;
    }
    if (this.unversioned && !isCloneRound1 && !this.uvHashSent) {
      x.out.pragma('uv-hash', unversionedHash(repo.db));
      this.uvHashSent = true;
    }
    let uvSent = 0;
    if (this.uvDoPush) {
      let done = true;
      for (const [name, v] of [...this.uvToSend]) {
        sendUnversionedFile(x, name, v.mtimeOnly, false);
        this.uvToSend.delete(name);
        uvSent++;
        if (x.out.byteLength > x.maxSend) {
          done = false;
          break;
        }
      }
      if (done) this.uvDoPush = false;
    }
    x.out.comment(randomNonceSalt());

    const payload = x.out.finish();
    const login = this.opts.login;
    if (login && !isCloneRound1 && !repo.config.projectCode) {
      throw new SyncError(`${this.transport.label} did not tell its project code`);
    }
    const signed = login && login.user !== 'anonymous' && !isCloneRound1
      ? signPayload(payload, { user: login.user, password: login.password, projectCode: repo.projectCode })
      : payload;
    const contentType: XferContentType = this.encoding === 'debug' ? XFER_DEBUG_CONTENT_TYPE : XFER_CONTENT_TYPE;
    const body = this.encoding === 'compressed' ? encodeBody(signed, contentType, { level: 9 }) : signed;
    const sent: TrafficStats = {
      ...emptyTraffic(),
      bytes: signed.length,
      wireBytes: body.length,
      cards: x.out.cardCount + (signed === payload ? 0 : 1),
      files: x.counters.filesSent + uvSent,
      deltas: x.counters.deltasSent,
      igots: x.counters.igotsSent,
      gimmes: x.counters.gimmesSent,
    };
    this.result.artifactsSent += x.counters.filesSent + x.counters.deltasSent + uvSent;
    return { x, isCloneRound1, sentUnsent, configMask, contentType, body, sent };
  }

  /** Send the request and bring back the reply's card text (the clone's linker works meanwhile). */
  private async exchange(round: RoundRequest): Promise<RoundReply> {
    // A clone's group also holds the linking done while the request is out (the target is the
    // clone's own, so holding it while the peer works keeps nobody out).
    if (this.clone) await this.openGroup();
    const exchange = this.transport.exchange({ contentType: round.contentType, body: round.body, isClone: this.clone });
    if (this.opts.whileWaiting) {
      let replied = false;
      const settled = exchange.then(() => (replied = true), () => (replied = true));
      // One turn of the event loop first, so the request is written out before the work starts.
      await new Promise((r) => setTimeout(r, 0));
      try {
        await this.opts.whileWaiting(() => replied);
      } catch (e) {
        await settled;
        throw e;
      }
    }
    const reply = await exchange;
    // Every server ends its reply with a `# timestamp` comment: nothing at all is a reply lost
    // on the way, not one that says there is nothing to do.
    if (reply.body.length === 0) throw new SyncError(`${this.transport.label}: empty reply`, undefined, { code: 'unreachable' });
    let text: Uint8Array;
    try {
      const decoded = decodeBody(reply.body, reply.contentType);
      // A server never sends plain text under the envelope type; one that does not inflate is damaged.
      if (decoded.damagedEnvelope) throw new EnvelopeError(`damaged reply envelope (${decoded.fallback})`);
      text = decoded.text;
    } catch (e) {
      if (e instanceof EnvelopeError) throw new SyncError(`${this.transport.label}: ${e.message}`, undefined, { cause: e });
      throw e;
    }
    this.result.bytesSent += round.body.length;
    this.result.bytesReceived += reply.body.length;
    return { text, wireBytes: reply.body.length };
  }

  /** Act on the reply in one transaction, decide whether another round follows, and report. */
  private async processRound(round: RoundRequest, reply: RoundReply): Promise<{ next: CardWriter; go: boolean }> {
    const { repo } = this;
    const { x } = round;
    // Upstream counts what is sent while answering the reply separately from what was sent above.
    Object.assign(x.counters, zeroCounters());
    const next = this.seed(false);
    x.out = next;

    await this.openGroup();
    let headStart: number[] = [];
    const outcome = inExchangeTransaction(repo, () => {
      if (round.sentUnsent) repo.db.exec('DELETE FROM unsent');
      const o = this.processReply(x, reply.text, round.configMask, round.isCloneRound1);
      this.headStartLeft = 0;
      headStart = this.headStartRids;
      this.headStartRids = [];
      if (headStart.length > 0) this.opts.headStart!.arrived(headStart);
      if (this.clone) {
        repo.config.set(CLONE_SEQNO_SETTING, this.cloneSeqno);
        repo.config.set(CLONE_RECEIVED_SETTING, this.cloneReceived);
      }
      o.phantomsLeft = repo.db.value('SELECT 1 FROM phantom LIMIT 1') !== undefined;
      return o;
    });
    this.round++;
    this.result.rounds = this.round;
    this.remoteVersion = x.remoteVersion;
    this.remoteDate = x.remoteDate;

    const go = this.decide(x.counters, outcome);
    this.queuedSent = { ...zeroCounters(), filesSent: x.counters.filesSent, deltasSent: x.counters.deltasSent, igotsSent: x.counters.igotsSent, gimmesSent: x.counters.gimmesSent };
    const received: TrafficStats = {
      bytes: reply.text.length,
      wireBytes: reply.wireBytes,
      cards: outcome.cards,
      files: outcome.files,
      deltas: outcome.deltas,
      igots: outcome.igots,
      gimmes: outcome.gimmes,
      dangling: x.counters.danglingReceived,
    };
    const report: RoundReport = { round: this.round, sent: round.sent, received, more: go };
    this.events.round?.(report);
    // A head start is kept at once: a reload right after it still shows it.
    if (headStart.length > 0 && this.releaseLock) this.closeGroup(true);
    this.groupDone();
    if (!this.releaseLock) this.cloneSaved = this.cloneReceived;
    if (this.clone) {
      this.events.cloneProgress?.({ received: this.cloneReceived, estimatedTotal: this.estimatedTotal, seqno: this.cloneSeqno, saved: this.cloneSaved });
    }
    // Only worth telling when more than the next round is to come: a small clone is complete a
    // moment later anyway.
    if (headStart.length > 0 && this.cloneSeqno !== 0 && this.headStartRounds > 1) this.events.headStart?.({ artifacts: headStart.length });
    return { next, go };
  }

  /** The round-termination rule of upstream's client_sync. */
  private decide(c: XferCounters, o: ReplyOutcome): boolean {
    const filesReceived = c.filesReceived + c.deltasReceived + c.danglingReceived;
    if ((filesReceived > 0 || o.newPhantom) && o.phantomsLeft) {
      this.mxPhantomReq = Math.max(MIN_PHANTOM_REQUESTS, filesReceived * 2);
      return true;
    }
    if (c.filesSent + c.deltasSent > 0 || this.uvDoPush) return true;
    if (c.privateIgotsSent > 0 && this.round === 1) return true;
    if (o.uvGimmesSent > 0 && (o.uvFilesReceived > 0 || this.round < 3)) return true;
    if (this.clone) {
      if (this.round === 1) return true;
      if (filesReceived > 0) return true;
      if (this.cloneSeqno > 0 && o.artifacts > 0) return true;
    }
    return false;
  }

  private processReply(x: XferState, text: Uint8Array, configMask: number, isCloneRound1: boolean): ReplyOutcome {
    const o: ReplyOutcome = {
      cards: 0, files: 0, deltas: 0, igots: 0, gimmes: 0, artifacts: 0,
      newPhantom: false, phantomsLeft: false, uvGimmesSent: 0, uvFilesReceived: 0,
    };
    // The whole reply is parsed once first, so one that breaks the card limits (a million igots)
    // is refused before any of it is acted on.
    try {
      for (const pre = new CardReader(text, this.opts.cardLimits); pre.next() !== undefined; );
    } catch (e) {
      if (e instanceof CardParseError) throw new SyncError(`bad reply from ${this.transport.label}: ${e.message}`, undefined, { cause: e });
      throw e;
    }
    const reader = new CardReader(text, this.opts.cardLimits);
    const acceptOpts = { clone: this.clone, mayReceivePrivate: this.syncPrivate };
    for (;;) {
      let card: XferCard | undefined;
      try {
        card = reader.next();
      } catch (e) {
        if (e instanceof CardParseError) throw new SyncError(`bad reply from ${this.transport.label}: ${e.message}`, undefined, { cause: e });
        throw e;
      }
      if (card === undefined) break;
      if (card.kind !== 'blank') o.cards++;
      try {
        this.replyCard(x, card, o, configMask, isCloneRound1, acceptOpts);
      } catch (e) {
        // Only what the peer sent is its fault; anything else (our storage failing) passes as it is.
        if (e instanceof ReceiveError) throw new SyncError(`bad artifact from ${this.transport.label}: ${e.message}`, undefined, { cause: e });
        throw e;
      }
    }
    return o;
  }

  private replyCard(
    x: XferState,
    card: XferCard,
    o: ReplyOutcome,
    configMask: number,
    isCloneRound1: boolean,
    acceptOpts: { clone: boolean; mayReceivePrivate: boolean },
  ): void {
    const { repo } = this;
    switch (card.kind) {
      case 'comment':
      case 'blank':
        return;
      case 'file':
      case 'cfile': {
        if (this.headStartLeft > 0) {
          this.headStartLeft--;
          // Checked against its name now (not deferred as a clone's are): it is shown at once.
          const headOpts = { ...acceptOpts, clone: false };
          if (card.kind === 'file') acceptFile(x, card, headOpts);
          else acceptCompressedFile(x, card, headOpts);
          const rid = repo.content.ridOf(card.hash);
          if (rid !== undefined && !repo.content.isPhantom(rid)) this.headStartRids.push(rid);
          o.files++;
          this.result.artifactsReceived++;
          return;
        }
        const how = card.kind === 'file' ? acceptFile(x, card, acceptOpts) : acceptCompressedFile(x, card, acceptOpts);
        o.artifacts++;
        this.result.artifactsReceived++;
        if (this.clone) this.cloneReceived++;
        if (how === 'file') o.files++;
        else if (how !== 'dropped') o.deltas++;
        return;
      }
      case 'uvfile':
        acceptUnversionedFile(x, card, true);
        o.artifacts++;
        o.uvFilesReceived++;
        this.result.artifactsReceived++;
        return;
      case 'gimme': {
        o.gimmes++;
        x.unknownToRemote.add(card.hash);
        if (this.push) {
          const rid = repo.content.ridOf(card.hash);
          if (rid !== undefined) sendFile(x, rid, card.hash, false);
        }
        return;
      }
      case 'igot': {
        o.igots++;
        const c = repo.content;
        let rid = c.ridOf(card.hash) ?? 0;
        if (rid > 0) {
          if (card.isPrivate) c.makePrivate(rid);
          else c.makePublic(rid);
        } else if (card.isPrivate && !this.syncPrivate) {
          // Private on the server and we are not syncing private content: pretend it is not there.
        } else if (this.pull || this.clone) {
          rid = c.ensure(card.hash, { isPrivate: card.isPrivate });
          if (rid) o.newPhantom = true;
        }
        x.remoteHas(rid);
        return;
      }
      case 'uvigot':
        if (this.unversioned || this.clone) this.uvigot(x, card.name, card.mtime, card.hash, o);
        return;
      case 'push': {
        if (!this.clone) throw new SyncError(`unknown command from ${this.transport.label}: [push]`);
        if (!repo.config.projectCode) {
          repo.config.set('project-code', card.projectCode);
          this.result.projectCode = card.projectCode;
        }
        if (this.cloneSeqno > 0) {
          // A first request refused for want of a login asks again in the second, logged in.
          if (this.cloneSeqno === 1) this.askHeadStart(x.out);
          x.out.clone(3, this.cloneSeqno);
        }
        return;
      }
      case 'config':
        if (configMask) {
          receiveConfig(repo.db, card.name, card.payload, configMask, { admin: true, readAddresses: true });
          o.artifacts++;
        }
        return;
      case 'cookie':
        repo.config.set('cookie', card.value);
        return;
      case 'private':
        x.nextIsPrivate = true;
        return;
      case 'clone_seqno':
        this.cloneSeqno = card.seqno;
        return;
      case 'message': {
        if (this.push && card.text.startsWith('pull only')) {
          this.push = false;
          return;
        }
        if (card.text) {
          this.result.messages.push(card.text);
          this.events.message?.(card.text);
        }
        return;
      }
      case 'pragma':
        this.pragma(x, card.name, card.args);
        return;
      case 'error':
        if (this.clone && isCloneRound1) {
          // The first clone request carries no login (the project code is not known yet), so
          // a server that wants one refuses it; the next round logs in.
          this.events.warning?.(`server says: ${card.text} (retrying with login)`);
          return;
        }
        throw new SyncError(`server says: ${card.text}`, card.text);
      case 'unknown':
        if (card.name.startsWith('<')) throw new SyncError(`${this.transport.label} replies with HTML instead of fossil sync protocol`);
        throw new SyncError(`unknown command from ${this.transport.label}: [${card.name}]`);
      default:
        throw new SyncError(`unknown command from ${this.transport.label}: [${card.kind}]`);
    }
  }

  private pragma(x: XferState, name: string, args: string[]): void {
    switch (name) {
      case 'server-version':
        if (args[0] !== undefined) x.remoteVersion = Number.parseInt(args[0], 10) || 0;
        if (args.length >= 3) x.remoteDate = Number.parseInt(args[1]!, 10) || 0;
        return;
      case 'uv-pull-only':
        if (this.unversioned) this.uvPullOnly = 1;
        return;
      case 'uv-push-ok':
        if (this.unversioned) this.uvDoPush = true;
        return;
      case HEAD_START_PRAGMA: {
        if (!this.clone || !this.opts.headStart) return;
        this.headStartAnswered = true;
        const n = Number.parseInt(args[0] ?? '', 10);
        this.headStartLeft = Number.isFinite(n) && n > 0 ? n : 0;
        const rounds = Number.parseInt(args[1] ?? '', 10);
        if (Number.isFinite(rounds)) this.headStartRounds = rounds;
        return;
      }
      case 'artifact-count': {
        const n = Number.parseInt(args[0] ?? '', 10);
        if (Number.isFinite(n) && n >= 0) this.estimatedTotal = n;
        return;
      }
      default:
        return;
    }
  }

  /** Compare one catalog entry with ours and plan the transfer (unversioned_status). */
  private uvigot(x: XferState, name: string, mtime: number, hash: string | null, o: ReplyOutcome): void {
    const db = this.repo.db;
    const status = unversionedStatus(db, name, mtime, hash);
    if (status <= 1) {
      if (hash !== null) {
        x.out.uvgimme(name);
        o.uvGimmesSent++;
        if (hasUnversionedTable(db)) db.run('DELETE FROM unversioned WHERE name=?', name);
      } else if (status === 1) {
        db.run('UPDATE unversioned SET mtime=?, hash=NULL, sz=0, encoding=0, content=NULL WHERE name=?', mtime, name);
        db.run("DELETE FROM config WHERE name='uv-hash'");
      }
    } else if (status === 2) {
      ensureUnversionedTable(db);
      db.run('UPDATE unversioned SET mtime=? WHERE name=?', mtime, name);
      db.run("DELETE FROM config WHERE name='uv-hash'");
    }
    if (status >= 4 && this.uvPullOnly === 1) {
      this.events.warning?.('the server does not let you push unversioned files');
      this.uvPullOnly = 2;
    }
    if (status <= 3 || this.uvPullOnly) this.uvToSend.delete(name);
    else if (status === 4) this.uvToSend.set(name, { mtimeOnly: true });
    else this.uvToSend.set(name, { mtimeOnly: false });
  }
}

/** A round's request, ready for the wire, and what processing its reply needs to know of it. */
interface RoundRequest {
  x: XferState;
  isCloneRound1: boolean;
  /** The unsent table went out with it (it is emptied once the reply is in). */
  sentUnsent: boolean;
  /** Configuration groups requested in it. */
  configMask: number;
  contentType: XferContentType;
  body: Uint8Array;
  sent: TrafficStats;
}

interface RoundReply {
  /** The reply's card text. */
  text: Uint8Array;
  wireBytes: number;
}

interface ReplyOutcome {
  cards: number;
  files: number;
  deltas: number;
  igots: number;
  gimmes: number;
  /** Artifacts (and config records) received. */
  artifacts: number;
  newPhantom: boolean;
  phantomsLeft: boolean;
  uvGimmesSent: number;
  uvFilesReceived: number;
}

/** The `reqconfig` names for a mask, as upstream lists them: `/all` for everything. */
export function configRequestNames(mask: number): string[] {
  if ((mask & ConfigGroup.ALL) === ConfigGroup.ALL) return ['/all'];
  const names: [string, number][] = [
    ['/email', ConfigGroup.ADDRESSES], ['/project', ConfigGroup.PROJECT], ['/skin', ConfigGroup.SKIN | ConfigGroup.CSS],
    ['/css', ConfigGroup.CSS], ['/shun', ConfigGroup.SHUN], ['/ticket', ConfigGroup.TICKET], ['/user', ConfigGroup.USER],
    ['/xfer', ConfigGroup.XFER], ['/alias', ConfigGroup.ALIAS], ['/subscriber', ConfigGroup.SUBSCRIBER],
    ['/interwiki', ConfigGroup.INTERWIKI],
  ];
  return names.filter(([, m]) => m & mask).map(([n]) => n);
}

/** Pull, push or both with a server. */
export function syncWith(repo: Repository, transport: SyncTransport, opts: ClientSyncOptions): Promise<SyncResult> {
  return new ClientSession(repo, transport, opts).run();
}
