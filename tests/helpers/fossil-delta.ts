/**
 * The real fossil's delta encoder and decoder, run on files in a temporary directory
 * (`fossil test-delta-create SRC TGT OUT`, `fossil test-delta-apply SRC DELTA OUT`).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil } from './tools.ts';

export function fossilDeltaCreate(dir: string, source: Uint8Array, target: Uint8Array): Uint8Array {
  const src = join(dir, 'src');
  const tgt = join(dir, 'tgt');
  const out = join(dir, 'delta');
  writeFileSync(src, source);
  writeFileSync(tgt, target);
  fossil(['test-delta-create', src, tgt, out], { cwd: dir });
  return new Uint8Array(readFileSync(out));
}

/** The bytes fossil produces applying delta to source, or null when it rejects the delta. */
export function fossilDeltaApply(dir: string, source: Uint8Array, delta: Uint8Array): Uint8Array | null {
  const src = join(dir, 'src');
  const d = join(dir, 'delta');
  const out = join(dir, 'out');
  writeFileSync(src, source);
  writeFileSync(d, delta);
  rmSync(out, { force: true });
  // The usage text says two arguments, but 2.21 wants ORIGIN DELTA TARGET.
  const r = fossil(['test-delta-apply', src, d, out], { cwd: dir, allowFail: true });
  if (r.status !== 0 || !existsSync(out)) return null;
  return new Uint8Array(readFileSync(out));
}
