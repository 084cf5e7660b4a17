/**
 * fossil's line diff (diff.c: break_into_lines, longestCommonSequence, optimalLCS, diff_step,
 * diff_all, diff_optimize), ported so that the changes found are the ones `fossil diff` shows:
 * where a file allows more than one alignment (a blank line that could pair with either of two),
 * fossil's choice is not the shortest edit script a textbook diff finds, and the hunks differ.
 *
 * The result is fossil's edit script: (lines kept, lines deleted, lines inserted) triples,
 * ended by three zeros. Lines are compared as bytes (UTF-8); the hash that buckets them is
 * fossil's own, since which candidate match a bucket yields first decides ties.
 */

const M64 = (1n << 64n) - 1n;
const MULT = 9000000000000000041n;
const PRIME = 281474976710597n;
const LENGTH_MASK_SZ = 15n;
const LENGTH_MASK = (1 << 15) - 1;

/** diffIsSpace: BS, TAB, LF, FF, CR and space. */
const isSpace = (c: number) => c === 8 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32;

interface DLine {
  z: Uint8Array;
  /** Length of the line. */
  n: number;
  h: bigint;
  /** h as a number for bucketing and the length bits. */
  len: number;
  indent: number;
  nw: number;
  iNext: number;
  iHash: number;
}

/** The file's lines with fossil's hashes and hash chains; null when a line is too long to diff. */
function breakIntoLines(bytes: Uint8Array, ignoreWs: boolean): DLine[] | null {
  if (bytes.length === 0) return [];
  const starts: number[] = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10 && i + 1 < bytes.length) starts.push(i + 1);
  const nLine = starts.length;
  const a: DLine[] = [];
  // Bucket heads: fossil's array is zeroed up front, so a line can head a bucket before it is read.
  const heads = new Int32Array(nLine);
  for (let i = 0; i < nLine; i++) {
    const start = starts[i]!;
    let end = i + 1 < nLine ? starts[i + 1]! - 1 : bytes.length;
    if (i + 1 === nLine && bytes[end - 1] === 10) end--;
    const z = bytes.subarray(start, end);
    if (z.length > LENGTH_MASK) return null;
    let k = z.length;
    let s = 0;
    let h = 0n;
    let indent = 0;
    let nw = 0;
    if (ignoreWs) {
      while (k > 0 && isSpace(z[k - 1]!)) k--;
      let numws = 0;
      // `z[s] <= ' '` on a signed char: bytes from 0x80 up count as indentation too.
      for (s = 0; s < k && (z[s]! <= 32 || z[s]! >= 0x80); s++) { /* indent */ }
      indent = s;
      nw = k - s;
      for (let x = s; x < k; x++) {
        const c = z[x]!;
        if (isSpace(c)) numws++;
        // A signed char: from 0x80 up it is negative, sign-extended to 64 bits.
        else h = ((h ^ (c >= 0x80 ? M64 - 255n + BigInt(c) : BigInt(c))) * MULT) & M64;
      }
      k -= numws;
    } else {
      const k2 = k & ~7;
      let x = 0;
      for (; x < k2; x += 8) {
        let m = 0n;
        for (let b = 7; b >= 0; b--) m = (m << 8n) | BigInt(z[x + b]!);
        h = ((h ^ m) * MULT) & M64;
      }
      let m = 0n;
      for (let b = k - k2 - 1; b >= 0; b--) m = (m << 8n) | BigInt(z[x + b]!);
      h ^= m;
    }
    h = ((h % PRIME) << LENGTH_MASK_SZ) | BigInt(k - s);
    const h2 = Number(h % BigInt(nLine));
    a.push({ z, n: z.length, h, len: Number(h & BigInt(LENGTH_MASK)), indent, nw, iNext: heads[h2]!, iHash: 0 });
    heads[h2] = i + 1;
  }
  for (let i = 0; i < nLine; i++) a[i]!.iHash = heads[i]!;
  return a;
}

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** 0 when the lines are the same (compare_dline / compare_dline_ignore_allws). */
function differ(ignoreWs: boolean, A: DLine, B: DLine): boolean {
  if (A.h !== B.h) return true;
  if (!ignoreWs) return !sameBytes(A.z, 0, B.z, 0, A.len);
  if (A.z.length >= A.len && B.z.length >= A.len && sameBytes(A.z, 0, B.z, 0, A.len)) return false;
  let a = A.indent;
  let b = B.indent;
  while (a < A.n || b < B.n) {
    if (a < A.n && b < B.n && A.z[a++] !== B.z[b++]) return true;
    while (a < A.n && isSpace(A.z[a]!)) ++a;
    while (b < B.n && isSpace(B.z[b]!)) ++b;
  }
  return A.n - a !== B.n - b;
}

class Context {
  aEdit: number[] = [];
  constructor(readonly aFrom: DLine[], readonly aTo: DLine[], readonly ignoreWs: boolean) {}
  differ(x: DLine, y: DLine): boolean {
    return differ(this.ignoreWs, x, y);
  }

  appendTriple(nCopy: number, nDel: number, nIns: number): void {
    const e = this.aEdit;
    const k = e.length;
    if (k >= 3) {
      if (e[k - 1] === 0) {
        if (e[k - 2] === 0) {
          e[k - 3]! += nCopy;
          e[k - 2]! += nDel;
          e[k - 1]! += nIns;
          return;
        }
        if (nCopy === 0) {
          e[k - 2]! += nDel;
          e[k - 1]! += nIns;
          return;
        }
      }
      if (nCopy === 0 && nDel === 0) {
        e[k - 1]! += nIns;
        return;
      }
    }
    e.push(nCopy, nDel, nIns);
  }

  optimalLCS(iS1: number, iE1: number, iS2: number, iE2: number): [number, number, number, number] {
    let mxLength = 0;
    let iSXb = iS1;
    let iSYb = iS2;
    for (let i = iS1; i < iE1 - mxLength; i++) {
      for (let j = iS2; j < iE2 - mxLength; j++) {
        if (this.differ(this.aFrom[i]!, this.aTo[j]!)) continue;
        if (mxLength && this.differ(this.aFrom[i + mxLength]!, this.aTo[j + mxLength]!)) continue;
        let k = 1;
        while (i + k < iE1 && j + k < iE2 && !this.differ(this.aFrom[i + k]!, this.aTo[j + k]!)) k++;
        if (k > mxLength) {
          iSXb = i;
          iSYb = j;
          mxLength = k;
        }
      }
    }
    return [iSXb, iSXb + mxLength, iSYb, iSYb + mxLength];
  }

  longestCommonSequence(iS1: number, iE1: number, iS2: number, iE2: number): [number, number, number, number] {
    const { aFrom, aTo } = this;
    const nTo = BigInt(aTo.length);
    const span = iE1 - iS1 + (iE2 - iS2);
    let bestScore = -10000;
    let iSXb = iS1, iSXp = iS1, iEXb = iS1, iEXp = iS1, iSYb = iS2, iSYp = iS2, iEYb = iS2, iEYp = iS2;
    const mid = Math.trunc((iE1 + iS1) / 2);
    let cutoff = 4;
    let nextCutoff: number;
    do {
      nextCutoff = 0;
      for (let i = iS1; i < iE1; i++) {
        let limit = 0;
        let j = aTo[Number(aFrom[i]!.h % nTo)]!.iHash;
        while (j > 0 && (j - 1 < iS2 || j >= iE2 || this.differ(aFrom[i]!, aTo[j - 1]!))) {
          if (limit++ > cutoff) {
            j = 0;
            nextCutoff = cutoff * 4;
            break;
          }
          j = aTo[j - 1]!.iNext;
        }
        if (j === 0) continue;
        if (i < iEXb && j >= iSYb && j < iEYb) continue;
        if (i < iEXp && j >= iSYp && j < iEYp) continue;
        let iSX = i;
        let iSY = j - 1;
        let n = Math.min(iSX - iS1, iSY - iS2);
        let k = 0;
        while (k < n && !this.differ(aFrom[iSX - 1 - k]!, aTo[iSY - 1 - k]!)) k++;
        iSX -= k;
        iSY -= k;
        let iEX = i + 1;
        let iEY = j;
        n = Math.min(iE1 - iEX, iE2 - iEY);
        k = 0;
        while (k < n && !this.differ(aFrom[iEX + k]!, aTo[iEY + k]!)) k++;
        iEX += k;
        iEY += k;
        const skew = Math.abs(iSX - iS1 - (iSY - iS2));
        const dist = Math.abs(Math.trunc((iSX + iEX) / 2) - mid);
        const score = (iEX - iSX) * span - (skew + dist);
        if (score > bestScore) {
          bestScore = score;
          iSXb = iSX; iSYb = iSY; iEXb = iEX; iEYb = iEY;
        } else if (iEX > iEXp) {
          iSXp = iSX; iSYp = iSY; iEXp = iEX; iEYp = iEY;
        }
      }
    } while (iSXb === iEXb && nextCutoff && (cutoff = nextCutoff) <= 64);
    if (iSXb === iEXb && (iE1 - iS1) * (iE2 - iS2) < 2500) return this.optimalLCS(iS1, iE1, iS2, iE2);
    return [iSXb, iEXb, iSYb, iEYb];
  }

  /** likelyNotIndentChngArtifact: is the common run more than an indentation change? */
  likelyNotIndentChange(iS1: number, iSX: number, iEX: number, iE1: number): boolean {
    if ((iEX - iSX) * 7 >= iE1 - iS1) return true;
    const measure = (pA: DLine) => {
      if (pA.nw === 0 && pA.n) {
        let ii = 0;
        while (ii < pA.n && isSpace(pA.z[ii]!)) ii++;
        pA.indent = ii;
        let jj = pA.n - 1;
        while (jj > ii && isSpace(pA.z[jj]!)) jj--;
        pA.nw = jj - ii + 1;
      }
    };
    let n = 0;
    for (let i = iSX; i < iEX; i++) {
      measure(this.aFrom[i]!);
      if (this.aFrom[i]!.nw > 1) n++;
    }
    if (n === 0) return false;
    for (let i = iS1; i < iE1; i++) {
      if (i === iSX) {
        i = iEX;
        if (i >= iE1) break;
      }
      measure(this.aFrom[i]!);
    }
    let i = iSX;
    for (; i < iEX; i++) {
      const a = this.aFrom[i]!;
      if (a.nw <= 1) continue;
      const same = (j: number) => {
        const b = this.aFrom[j]!;
        return b.nw === a.nw && sameBytes(b.z, b.indent, a.z, a.indent, a.nw);
      };
      let j = iS1;
      while (j < iSX && !same(j)) j++;
      if (j < iSX) continue;
      j = iEX;
      while (j < iE1 && !same(j)) j++;
      if (j >= iE1) break;
    }
    return i < iEX;
  }

  step(iS1: number, iE1: number, iS2: number, iE2: number): void {
    if (iE1 <= iS1) {
      if (iE2 > iS2) this.appendTriple(0, 0, iE2 - iS2);
      return;
    }
    if (iE2 <= iS2) {
      this.appendTriple(0, iE1 - iS1, 0);
      return;
    }
    const [iSX, iEX, iSY, iEY] = this.longestCommonSequence(iS1, iE1, iS2, iE2);
    if (iEX > iSX + 5 || (iEX > iSX && this.likelyNotIndentChange(iS1, iSX, iEX, iE1))) {
      this.step(iS1, iSX, iS2, iSY);
      if (iEX > iSX) this.appendTriple(iEX - iSX, 0, 0);
      this.step(iEX, iE1, iEY, iE2);
    } else {
      this.appendTriple(0, iE1 - iS1, iE2 - iS2);
    }
  }

  all(): void {
    const { aFrom, aTo } = this;
    let iE1 = aFrom.length;
    let iE2 = aTo.length;
    while (iE1 > 0 && iE2 > 0 && !this.differ(aFrom[iE1 - 1]!, aTo[iE2 - 1]!)) {
      iE1--;
      iE2--;
    }
    const mnE = Math.min(iE1, iE2);
    let iS = 0;
    while (iS < mnE && !this.differ(aFrom[iS]!, aTo[iS]!)) iS++;
    if (iS > 0) this.appendTriple(iS, 0, 0);
    this.step(iS, iE1, iS, iE2);
    if (iE1 < aFrom.length) this.appendTriple(aFrom.length - iE1, 0, 0);
    this.aEdit.push(0, 0, 0);
  }

  /** diff_optimize: slide inserted and deleted blocks to whitespace boundaries. */
  optimize(): void {
    const e = this.aEdit;
    const L = (x: DLine | undefined) => x?.n ?? 0;
    let lnFrom = 0;
    let lnTo = 0;
    for (let r = 0; r < e.length; r += 3) {
      let cpy = e[r]!;
      const del = e[r + 1]!;
      const ins = e[r + 2]!;
      lnFrom += cpy;
      lnTo += cpy;
      const F = this.aFrom;
      const T = this.aTo;
      while (cpy > 0 && del === 0 && ins > 0) {
        const top = F[lnFrom - 1]!;
        const btm = T[lnTo + ins - 1]!;
        if (this.differ(top, btm)) break;
        if (L(F[lnFrom]) + L(btm) <= L(top) + L(T[lnTo + ins - 2])) break;
        lnFrom--; lnTo--; e[r]!--; e[r + 3]!++; cpy--;
      }
      while (r + 3 < e.length && e[r + 3]! > 0 && del === 0 && ins > 0) {
        const top = T[lnTo]!;
        const btm = T[lnTo + ins];
        if (!btm || this.differ(top, btm)) break;
        if (L(top) + L(T[lnTo + ins - 1]) <= L(T[lnTo + 1]) + L(btm)) break;
        lnFrom++; lnTo++; e[r]!++; e[r + 3]!--; cpy++;
      }
      while (cpy > 0 && del > 0 && ins === 0) {
        const top = F[lnFrom - 1]!;
        const btm = F[lnFrom + del - 1]!;
        if (this.differ(top, btm)) break;
        if (L(F[lnFrom]) + L(btm) <= L(top) + L(F[lnFrom + del - 2])) break;
        lnFrom--; lnTo--; e[r]!--; e[r + 3]!++; cpy--;
      }
      while (r + 3 < e.length && e[r + 3]! > 0 && del > 0 && ins === 0) {
        const top = F[lnFrom]!;
        const btm = F[lnFrom + del];
        if (!btm || this.differ(top, btm)) break;
        if (L(top) + L(F[lnFrom + del - 1]) <= L(top) + L(btm)) break;
        lnFrom++; lnTo++; e[r]!++; e[r + 3]!--; cpy++;
      }
      lnFrom += del;
      lnTo += ins;
    }
  }
}

/** fossil's edit script from A to B (triples ending in 0, 0, 0); null when a line is too long. */
export function fossilEditScript(a: Uint8Array, b: Uint8Array, opts: { ignoreWhitespace?: boolean } = {}): number[] | null {
  const ws = opts.ignoreWhitespace ?? false;
  const from = breakIntoLines(a, ws);
  const to = breakIntoLines(b, ws);
  if (!from || !to) return null;
  const c = new Context(from, to, ws);
  c.all();
  c.optimize();
  return c.aEdit;
}
