// The worker-thread hash verifier a clone uses: every artifact is checked, the ring of shared
// memory wraps many times without losing one, and the first bad artifact is named.
import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/fossil/hash.ts';
import { inlineVerifier } from '../../src/sync/artifact-verifier.ts';
import { workerVerifier } from '../../src/sync/worker-verifier-node.ts';

function artifact(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let k = 0; k < size; k++) b[k] = (k * 31 + i * 7) & 255;
  return b;
}

describe.each([
  ['worker', workerVerifier],
  ['inline', inlineVerifier],
])('%s verifier', (_name, make) => {
  it('accepts matching content through many wraps of the ring', () => {
    const v = make();
    // 200 artifacts of up to 1.5 MB: about 150 MB, several times the ring.
    for (let i = 0; i < 200; i++) {
      const a = artifact(i, 1 + ((i * 7919) % 1_500_000));
      v.check(i + 1, hashBytes(a, i % 2 ? 'sha1' : 'sha3'), a);
    }
    expect(v.finish()).toBeUndefined();
    v.close();
  });

  it('names the first artifact that does not match', () => {
    const v = make();
    for (let i = 0; i < 50; i++) {
      const a = artifact(i, 10_000 + i);
      const name = hashBytes(a, 'sha3');
      if (i === 20) a[5] ^= 1;
      v.check(i + 1, name, a);
    }
    expect(v.finish()).toBe(hashBytes(artifact(20, 10_020), 'sha3'));
    v.close();
  });
});
