/**
 * Applying a Fossil delta (spec 4.7). Every malformed delta is reported with a DeltaError that
 * says what is wrong and where; the output is never larger than the size the delta declares,
 * and that size is checked against a limit before anything is allocated.
 */
import { MAX_ARTIFACT_SIZE } from './blob-codec.ts';
import { AT, COLON, COMMA, DIGIT_VALUE, DeltaError, NEWLINE, SEMICOLON, deltaChecksum } from './delta-format.ts';

/** Default cap on the output size a delta may declare. */
export const MAX_DELTA_OUTPUT = MAX_ARTIFACT_SIZE;

/** Reads the base-64 numbers of a delta, tracking the position for error messages. */
class DeltaReader {
  pos = 0;
  constructor(readonly delta: Uint8Array) {}

  /** A number of at least one digit. Fossil writes 32-bit values, so anything larger is corrupt. */
  int(what: string): number {
    const d = this.delta;
    const start = this.pos;
    let v = 0;
    let c: number;
    while (this.pos < d.length && (c = DIGIT_VALUE[d[this.pos]!]!) >= 0) {
      v = v * 64 + c;
      if (v > 0xffffffff) throw new DeltaError(`${what} at offset ${start} is larger than 32 bits`);
      this.pos++;
    }
    if (this.pos === start) {
      throw new DeltaError(
        this.pos >= d.length
          ? `delta ends where ${what} was expected (no terminating ';')`
          : `expected ${what} at offset ${start}, found byte 0x${d[start]!.toString(16).padStart(2, '0')}`,
      );
    }
    return v;
  }
}

/** The size of the output the delta produces, read from its first line. */
export function deltaOutputSize(delta: Uint8Array): number {
  const r = new DeltaReader(delta);
  const size = r.int('the target size');
  if (delta[r.pos] !== NEWLINE) throw new DeltaError(`target size not followed by a newline (offset ${r.pos})`);
  return size;
}

/** Below this many bytes a plain loop beats making a view for set(). */
const SMALL_COPY = 32;

function copyBytes(from: Uint8Array, at: number, n: number, to: Uint8Array, dest: number): void {
  if (n <= SMALL_COPY) {
    for (let i = 0; i < n; i++) to[dest + i] = from[at + i]!;
  } else {
    to.set(from.subarray(at, at + n), dest);
  }
}

/**
 * Apply delta to source. maxOutput bounds the declared target size (checked before allocating).
 * The trailing checksum is verified; bytes after the final ';' are ignored, as fossil does.
 * With `into` of exactly the declared size (and not source's memory), the output is written
 * there instead of into a new array: a caller expanding a long chain reuses two buffers rather
 * than allocating one per link.
 */
export function applyDelta(source: Uint8Array, delta: Uint8Array, maxOutput = MAX_DELTA_OUTPUT, into?: Uint8Array): Uint8Array {
  return walkDelta(source, delta, (limit) => {
    if (limit > maxOutput) throw new DeltaError(`delta declares ${limit} output bytes, over the limit of ${maxOutput}`);
    const out = into !== undefined && into.length === limit && into.buffer !== source.buffer ? into : new Uint8Array(limit);
    return { bytes: out, put: (from, at, n, dest) => (copyBytes(from, at, n, out, dest), true) };
  })!;
}

function sameBytes(a: Uint8Array, at: number, b: Uint8Array, bAt: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[at + i] !== b[bAt + i]) return false;
  return true;
}

/**
 * Whether applying delta to source gives exactly target: the same answer as comparing
 * applyDelta's output with target, checksum included, without making that output (a check made
 * after every delta written, where the output is the size of the artifact). A malformed delta
 * throws the DeltaError applyDelta would.
 */
export function deltaReproduces(source: Uint8Array, delta: Uint8Array, target: Uint8Array): boolean {
  return walkDelta(source, delta, (limit) =>
    limit !== target.length ? undefined : { bytes: target, put: (from, at, n, dest) => sameBytes(from, at, target, dest, n) }) !== undefined;
}

/** Where a delta's output goes: BYTES, whose [dest, dest+n) PUT fills (or checks: false stops the walk). */
interface DeltaSink {
  bytes: Uint8Array;
  put(from: Uint8Array, at: number, n: number, dest: number): boolean;
}

/**
 * The one reading of a delta, with every check fossil's delta_apply makes: START is told the
 * declared size and gives the sink (or undefined to stop), each copy and insert goes to it, and
 * the checksum is taken over its bytes. The sink's bytes, or undefined when it stopped the walk.
 */
function walkDelta(source: Uint8Array, delta: Uint8Array, start: (limit: number) => DeltaSink | undefined): Uint8Array | undefined {
  const r = new DeltaReader(delta);
  const limit = r.int('the target size');
  if (delta[r.pos] !== NEWLINE) throw new DeltaError(`target size not followed by a newline (offset ${r.pos})`);
  r.pos++;
  const sink = start(limit);
  if (!sink) return undefined;
  let total = 0;
  while (r.pos < delta.length) {
    const opStart = r.pos;
    const cnt = r.int('a segment length');
    if (r.pos >= delta.length) throw new DeltaError(`delta ends inside the segment at offset ${opStart}`);
    const op = delta[r.pos++]!;
    switch (op) {
      case AT: {
        const ofst = r.int('a copy offset');
        if (delta[r.pos] !== COMMA) throw new DeltaError(`copy command at offset ${opStart} is not terminated by ','`);
        r.pos++;
        if (total + cnt > limit) {
          throw new DeltaError(`copy at offset ${opStart} would make the output larger than the declared ${limit} bytes`);
        }
        if (ofst + cnt > source.length) {
          throw new DeltaError(`copy at offset ${opStart} reads bytes ${ofst}..${ofst + cnt} past the end of the ${source.length}-byte source`);
        }
        if (!sink.put(source, ofst, cnt, total)) return undefined;
        total += cnt;
        break;
      }
      case COLON: {
        if (total + cnt > limit) {
          throw new DeltaError(`insert at offset ${opStart} would make the output larger than the declared ${limit} bytes`);
        }
        if (cnt > delta.length - r.pos) {
          throw new DeltaError(`insert at offset ${opStart} claims ${cnt} bytes but only ${delta.length - r.pos} remain`);
        }
        if (!sink.put(delta, r.pos, cnt, total)) return undefined;
        r.pos += cnt;
        total += cnt;
        break;
      }
      case SEMICOLON: {
        if (total !== limit) throw new DeltaError(`delta produced ${total} bytes but declared ${limit}`);
        const sum = deltaChecksum(sink.bytes);
        if (sum !== cnt) throw new DeltaError(`checksum mismatch: delta says ${cnt}, output sums to ${sum}`);
        return sink.bytes;
      }
      default:
        throw new DeltaError(`unknown delta operator 0x${op.toString(16).padStart(2, '0')} at offset ${r.pos - 1}`);
    }
  }
  throw new DeltaError(`delta has no terminating ';'`);
}
