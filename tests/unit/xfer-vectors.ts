/**
 * The byte-exact captures of fossil 2.21 traffic in ../shared/vectors/fossil-2.21-xfer, with the
 * decoded card lists of their cards.txt files. The shared directory sits beside the checkout, both
 * here and under CI; a missing directory is an error, not a skip, so these tests cannot pass
 * vacuously.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const VECTORS_DIR = resolve(repoRoot, '../shared/vectors/fossil-2.21-xfer');

/** One card as cards.txt shows it: the card line, and for payload cards size and first bytes. */
export interface ExpectedCard {
  line: string;
  payloadSize?: number;
  /** Hex of the payload's first (up to) 6 bytes. */
  payloadStart?: string;
}

export interface Capture {
  /** e.g. `clone/req-1.bin` */
  name: string;
  raw: Uint8Array;
  isRequest: boolean;
  /** `POST / HTTP/1.0` or `HTTP/1.0 200 OK` */
  startLine: string;
  contentType: string;
  /** cards.txt marks a plain body sent under `application/x-fossil`. */
  plainFallback: boolean;
  /** Size of the uncompressed card text. */
  textSize: number;
  cards: ExpectedCard[];
}

const HEADER = /^===== (\S+) (.+?) \| (\S+)( \(NOT compressed: fallback\))? \| payload (\d+)$/;
const PAYLOAD_NOTE = /^(.*?)   <\+(\d+) bytes payload; starts ([0-9a-f]*)>$/;

function parseCardsTxt(dir: string, text: string): Omit<Capture, 'raw'>[] {
  const out: Omit<Capture, 'raw'>[] = [];
  for (const l of text.split('\n')) {
    if (l === '') continue;
    const h = HEADER.exec(l);
    if (h) {
      const name = h[1]!;
      if (!name.startsWith(`${dir}/`)) throw new Error(`${dir}/cards.txt lists ${name}`);
      out.push({
        name,
        isRequest: name.includes('/req-'),
        startLine: h[2]!,
        contentType: h[3]!,
        plainFallback: h[4] !== undefined,
        textSize: Number(h[5]),
        cards: [],
      });
      continue;
    }
    const current = out[out.length - 1];
    if (!current || !l.startsWith('   ')) throw new Error(`unexpected line in ${dir}/cards.txt: ${l}`);
    const body = l.slice(3);
    const p = PAYLOAD_NOTE.exec(body);
    current.cards.push(p ? { line: p[1]!, payloadSize: Number(p[2]), payloadStart: p[3]! } : { line: body });
  }
  return out;
}

let cache: Capture[] | undefined;

export function loadCaptures(): Capture[] {
  if (cache) return cache;
  if (!existsSync(VECTORS_DIR)) throw new Error(`capture vectors not found at ${VECTORS_DIR}`);
  const all: Capture[] = [];
  for (const dir of readdirSync(VECTORS_DIR, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const listed = parseCardsTxt(dir.name, readFileSync(join(VECTORS_DIR, dir.name, 'cards.txt'), 'utf8'));
    const files = readdirSync(join(VECTORS_DIR, dir.name)).filter((f) => f.endsWith('.bin'));
    if (files.length !== listed.length) throw new Error(`${dir.name}: ${files.length} captures but cards.txt lists ${listed.length}`);
    for (const c of listed) all.push({ ...c, raw: new Uint8Array(readFileSync(join(VECTORS_DIR, c.name))) });
  }
  all.sort((a, b) => a.name.localeCompare(b.name));
  if (all.length < 20) throw new Error(`expected the full capture set, found ${all.length} captures`);
  return (cache = all);
}
