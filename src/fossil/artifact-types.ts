/**
 * The in-memory model of a Fossil structural artifact (www/fileformat.wiki, manifest.c).
 * Strings here are decoded (defossilized) values; the printer fossilizes them again. Text is
 * decoded from UTF-8 losslessly (utf8-lossless.ts): bytes that are not valid UTF-8 appear as
 * lone surrogates U+DC80..U+DCFF and print back as the original bytes. Hashes are kept exactly
 * as written (upstream accepts upper case; compare with toLowerCase() when it matters).
 */
export type ArtifactType =
  | 'manifest' // check-in
  | 'cluster'
  | 'control' // tags
  | 'wiki'
  | 'ticket'
  | 'attachment'
  | 'technote'
  | 'forum';

/** F card. uuid is null in a delta-manifest entry that deletes the file. */
export interface FileCard {
  name: string;
  uuid: string | null;
  /** '' regular, 'x' executable, 'l' symlink ('w' on input is read as ''). */
  perm: '' | 'x' | 'l';
  /** Previous name when renamed relative to the primary parent. */
  oldName?: string;
  /**
   * The permission argument exactly as written, kept only when it is not what the printer would
   * write for perm/oldName (fossil's branch command copies a bare 'w', for instance). Fossil reads
   * the permission as 'x' if the argument contains an x, else 'l' if it contains an l.
   */
  permToken?: string;
}

/** T card. op '+' single, '*' propagating, '-' cancel. target is a hash or '*' (this check-in). */
export interface TagCard {
  op: '+' | '*' | '-';
  name: string;
  target: string;
  value?: string;
}

/** J card of a ticket change. */
export interface TicketField {
  name: string;
  value: string;
  /** '+' prefix: append to the field instead of replacing it. */
  append: boolean;
  /** The card had no value argument at all (value reads as ''); fossil writes `J name ` instead. */
  noValue?: boolean;
}

/** Q card: cherry-pick ('+') or backout ('-'). */
export interface CherrypickCard {
  op: '+' | '-';
  target: string;
  baseline?: string;
}

export interface Artifact {
  type: ArtifactType;
  /**
   * A card: attachment filename, target (wiki name or ticket/technote id), source hash (absent =
   * delete). The filename is kept as written; fossil writes and uses only its last path segment.
   */
  attachment?: { filename: string; target: string; source?: string };
  /** B card: baseline of a delta-manifest. */
  baseline?: string;
  /** C card. */
  comment?: string;
  /** D card as written (e.g. 2026-11-20T22:22:34.512). */
  date?: string;
  /** D card as a Julian day number. */
  julian?: number;
  /** E card: technote time (Julian day, plus the text as written) and id. */
  event?: { date: string; julian: number; id: string };
  /** F cards in order. For a delta-manifest these are only the changes against the baseline. */
  files: FileCard[];
  /** G card: forum thread root. */
  threadRoot?: string;
  /** H card: forum thread title. */
  threadTitle?: string;
  /** I card: forum in-reply-to. */
  inReplyTo?: string;
  /** J cards. */
  fields: TicketField[];
  /** K card: ticket id (40 hex). */
  ticketId?: string;
  /** L card: wiki page title. */
  wikiTitle?: string;
  /** M cards: cluster members, ascending. */
  members: string[];
  /** N card: mimetype. */
  mimetype?: string;
  /** P cards: parents, primary first. */
  parents: string[];
  /** Q cards. */
  cherrypicks: CherrypickCard[];
  /** R card: MD5 of the check-in's files. */
  repoChecksum?: string;
  /** T cards. */
  tags: TagCard[];
  /** U card (login); absent means anonymous. */
  user?: string;
  /** W card text (raw bytes of the wiki/technote/forum body). */
  wiki?: Uint8Array;
  /** Z card as found (lowercase hex), when present. */
  checksum?: string;
  /**
   * The PGP clear-signing envelope (spec 5.9) when the artifact is signed: everything before and
   * after the signed text. The printer writes it back around the text unchanged.
   */
  clearsign?: { header: Uint8Array; trailer: Uint8Array };
  /** Layouts of older artifacts that fossil still accepts, kept so they print back byte for byte. */
  legacy?: LegacyLayout;
}

export interface LegacyLayout {
  /** A `P` card without arguments (very old initial check-ins). */
  emptyParentCard?: true;
  /** Technote whose N card follows its P card (written that way before 2021). */
  mimetypeAfterParents?: true;
  /**
   * F cards naming fossil's own check-out files (`_FOSSIL_`, `.fslckout`, ...), which the parser
   * ignores as upstream does; each is kept with the index in `files` it preceded.
   */
  reservedFiles?: { index: number; file: FileCard }[];
}
