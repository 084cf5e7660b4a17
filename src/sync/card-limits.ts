/**
 * Bounds on what one xfer message may make us accept. The whole message is already in memory
 * when it is parsed, so these are policy, not allocation guards: they stop a peer from handing
 * the repository layer an artifact or a card list larger than the role is prepared to process.
 */
export interface CardLimits {
  /** Largest payload of a single file/cfile/config/uvfile card. */
  maxPayloadSize: number;
  /** Most cards (comments and blank lines included) in one message. */
  maxCards: number;
  /** Longest card line; real ones are well under 1 KiB. */
  maxLineLength: number;
}

export const DEFAULT_CARD_LIMITS: Readonly<CardLimits> = Object.freeze({
  maxPayloadSize: 256 * 1024 * 1024,
  // A 5 MB reply of igot cards is ~75 000 lines; a send-catalog reply can be larger.
  maxCards: 1_000_000,
  maxLineLength: 64 * 1024,
});

/**
 * Largest uncompressed message we agree to hold. Upstream's server budget is 5 MB per reply,
 * but a single artifact is always sent whole, so a message can be as big as the largest file.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 512 * 1024 * 1024;
