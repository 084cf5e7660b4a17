/**
 * The cards of an xfer message as typed values. Text arguments are decoded (defossilized where
 * the wire fossilizes them); artifact names are lowercase; payloads are views into the message
 * they were parsed from, never copies, so they stay valid only as long as that buffer does.
 */

interface CardBase {
  /** 1-based physical line of the message where the card's line starts. */
  line: number;
  /** Byte offset of the card's line in the message. */
  offset: number;
}

/** `file HASH [SRC] SIZE` + SIZE bytes: full content, or a delta against SRC. */
export interface FileCard extends CardBase {
  kind: 'file';
  hash: string;
  src?: string;
  size: number;
  payload: Uint8Array;
}

/** `cfile HASH [SRC] USIZE CSIZE` + CSIZE bytes in blob-storage form (4-byte size + zlib). */
export interface CfileCard extends CardBase {
  kind: 'cfile';
  hash: string;
  src?: string;
  /** Size of the full artifact, even when the payload is a delta. */
  usize: number;
  csize: number;
  payload: Uint8Array;
}

/** `config NAME SIZE` + SIZE bytes + one `\n` that SIZE does not count. */
export interface ConfigCard extends CardBase {
  kind: 'config';
  name: string;
  size: number;
  payload: Uint8Array;
}

/** An unversioned file's fields, as a `uvfile` card carries them. */
export interface UvfileFields {
  name: string;
  mtime: number;
  /** null for a deleted file (sent as `-`). */
  hash: string | null;
  size: number;
  flags: number;
  /** Required exactly when size > 0 and (flags & 5) == 0; its length must equal size. */
  payload?: Uint8Array;
}

/** `uvfile NAME MTIME HASH SIZE FLAGS`, with SIZE bytes only when SIZE>0 and (FLAGS&5)==0. */
export interface UvfileCard extends CardBase, UvfileFields {
  kind: 'uvfile';
}

/** `igot HASH [1]`: the sender has HASH; the flag says it is private there. */
export interface IgotCard extends CardBase {
  kind: 'igot';
  hash: string;
  isPrivate: boolean;
}

export interface GimmeCard extends CardBase {
  kind: 'gimme';
  hash: string;
}

/** `login USER NONCE SIGNATURE`. The nonce covers the bytes from `tailOffset` to the end. */
export interface LoginCard extends CardBase {
  kind: 'login';
  user: string;
  nonce: string;
  signature: string;
  tailOffset: number;
}

/** `pragma NAME ARGS…`; the few arguments upstream fossilizes are decoded (see card-syntax). */
export interface PragmaCard extends CardBase {
  kind: 'pragma';
  name: string;
  args: string[];
}

/** `push`/`pull SERVERCODE PROJECTCODE`. Codes are kept verbatim: upstream compares them exactly. */
export interface PushCard extends CardBase {
  kind: 'push';
  serverCode: string;
  projectCode: string;
}

export interface PullCard extends CardBase {
  kind: 'pull';
  serverCode: string;
  projectCode: string;
}

/** `clone` (legacy) or `clone PROTOCOL SEQNO`. */
export interface CloneCard extends CardBase {
  kind: 'clone';
  protocol?: number;
  seqno?: number;
}

export interface CloneSeqnoCard extends CardBase {
  kind: 'clone_seqno';
  seqno: number;
}

export interface CookieCard extends CardBase {
  kind: 'cookie';
  value: string;
}

export interface ReqconfigCard extends CardBase {
  kind: 'reqconfig';
  name: string;
}

/** The next file or cfile card carries private content. */
export interface PrivateCard extends CardBase {
  kind: 'private';
}

export interface MessageCard extends CardBase {
  kind: 'message';
  text: string;
}

export interface ErrorCard extends CardBase {
  kind: 'error';
  text: string;
}

/** `uvigot NAME MTIME HASH SIZE`: one entry of the unversioned catalog. */
export interface UvigotCard extends CardBase {
  kind: 'uvigot';
  name: string;
  mtime: number;
  hash: string | null;
  size: number;
}

export interface UvgimmeCard extends CardBase {
  kind: 'uvgimme';
  name: string;
}

/** A `#` line. text is what follows `# ` (or `#`), without the line end. */
export interface CommentCard extends CardBase {
  kind: 'comment';
  text: string;
}

/**
 * An empty or all-whitespace line. A server must answer it with an error, a client skips it;
 * afterPayload tells the usual harmless case (the `\n` upstream puts after a cfile payload).
 */
export interface BlankCard extends CardBase {
  kind: 'blank';
  afterPayload: boolean;
}

/**
 * A card name this codec does not know, kept with its (at most five) arguments as text. The role
 * decides: a server answers `error bad command`, a client aborts.
 */
export interface UnknownCard extends CardBase {
  kind: 'unknown';
  name: string;
  args: string[];
}

export type XferCard =
  | FileCard
  | CfileCard
  | ConfigCard
  | UvfileCard
  | IgotCard
  | GimmeCard
  | LoginCard
  | PragmaCard
  | PushCard
  | PullCard
  | CloneCard
  | CloneSeqnoCard
  | CookieCard
  | ReqconfigCard
  | PrivateCard
  | MessageCard
  | ErrorCard
  | UvigotCard
  | UvgimmeCard
  | CommentCard
  | BlankCard
  | UnknownCard;

export type CardKind = XferCard['kind'];
export type CardOf<K extends CardKind> = Extract<XferCard, { kind: K }>;
