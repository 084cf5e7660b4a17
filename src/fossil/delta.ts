/**
 * Fossil's delta format (spec 4.7, upstream delta.c): create, apply, inspect.
 * Deltas are how `blob.content` stores an artifact relative to another and how the sync
 * protocol may ship artifacts; the format must stay byte-compatible with fossil's.
 */
export { DeltaError, deltaChecksum, encodeDeltaInt } from './delta-format.ts';
export { applyDelta, deltaOutputSize, deltaReproduces, MAX_DELTA_OUTPUT } from './delta-apply.ts';
export { createDelta } from './delta-create.ts';
