/** The xfer card codec in one import: typed cards, the streaming parser, the writer, limits. */
export type * from './card-types.ts';
export type { CardLimits } from './card-limits.ts';
export { DEFAULT_CARD_LIMITS } from './card-limits.ts';
export { CardParseError, CardReader, parseCards, readAllCards } from './card-parser.ts';
export { CardWriter, CardWriterError, type CardWriterOptions, type UvfileFields } from './card-writer.ts';
