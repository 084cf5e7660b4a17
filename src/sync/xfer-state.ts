/**
 * State one side of an exchange keeps while it reads a message and writes the answer
 * (upstream's Xfer struct plus the per-exchange TEMP tables `onremote` and `unk`). Both the
 * client, per round, and the server, per request, make a fresh one.
 */
import type { Repository } from '../repo/repository.ts';
import { CardWriter } from './card-writer.ts';

/** Counters for one exchange, reported to the UI. */
export interface XferCounters {
  filesSent: number;
  deltasSent: number;
  igotsSent: number;
  gimmesSent: number;
  privateIgotsSent: number;
  filesReceived: number;
  deltasReceived: number;
  /** Deltas stored against a source we do not have yet. */
  danglingReceived: number;
}

export function zeroCounters(): XferCounters {
  return {
    filesSent: 0, deltasSent: 0, igotsSent: 0, gimmesSent: 0, privateIgotsSent: 0,
    filesReceived: 0, deltasReceived: 0, danglingReceived: 0,
  };
}

/** A peer that announces no version is assumed too old for SHA3 artifacts (xfer.c). */
export const FIRST_SHA3_VERSION = 20000;
/** Peers from this date on understand `igot HASH 1` for private artifacts. */
export const PRIVATE_IGOT_DATE = 20200413;

export interface XferStateOptions {
  /** Stop adding file content once the message is this large; announce with igot instead. */
  maxSend: number;
  /** Epoch milliseconds after which no more content is added (server only). */
  deadline?: number;
  /** What the peer said about its version; the client assumes a current server. */
  remoteVersion: number;
  newlineAfterCfile?: boolean;
}

export class XferState {
  out: CardWriter;
  /** rids the peer is known to hold: never send them. */
  readonly onRemote = new Set<number>();
  /** Hashes the peer asked for, so it lacks them: never ask it for them. */
  readonly unknownToRemote = new Set<string>();
  syncPrivate = false;
  nextIsPrivate = false;
  remoteVersion: number;
  remoteDate = 0;
  readonly maxSend: number;
  readonly deadline: number | undefined;
  readonly counters: XferCounters = zeroCounters();
  private readonly newlineAfterCfile: boolean;

  constructor(
    readonly repo: Repository,
    opts: XferStateOptions,
  ) {
    this.maxSend = opts.maxSend;
    this.deadline = opts.deadline;
    this.remoteVersion = opts.remoteVersion;
    this.newlineAfterCfile = opts.newlineAfterCfile ?? false;
    this.out = this.newWriter();
  }

  newWriter(): CardWriter {
    return new CardWriter({ newlineAfterCfile: this.newlineAfterCfile });
  }

  /** Throw away everything written so far (upstream cgi_reset_content). */
  resetOutput(): void {
    this.out = this.newWriter();
  }

  /** Has the message reached its size or time budget? */
  get overBudget(): boolean {
    return this.out.byteLength >= this.maxSend || (this.deadline !== undefined && Date.now() >= this.deadline);
  }

  remoteHas(rid: number): void {
    if (rid > 0) this.onRemote.add(rid);
  }
}
