/**
 * Byte-array equality for tests. vitest's deep equality walks typed arrays element by element
 * through its generic machinery, which takes seconds on megabytes; this compares directly and
 * reports the first difference.
 */
import { expect } from 'vitest';

export function expectSameBytes(actual: Uint8Array | null, expected: Uint8Array, label = ''): void {
  expect(actual, `${label}: got null`).not.toBeNull();
  const a = actual!;
  if (a.length === expected.length) {
    let i = 0;
    while (i < a.length && a[i] === expected[i]) i++;
    if (i === a.length) return;
    expect.fail(`${label}: bytes differ at offset ${i} (got ${a[i]}, expected ${expected[i]})`);
  }
  expect.fail(`${label}: length ${a.length}, expected ${expected.length}`);
}
