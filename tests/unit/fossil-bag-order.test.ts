// The order fossil's rebuild visits an artifact's delta children: the slot order of its Bag
// (hash e*101 mod size, linear probing, grown to 2n+20 before half full). It decides which
// artifact makes a tag first, hence tagids and the order fossil lists tags in.
import { describe, expect, it } from 'vitest';
import { fossilBagOrder } from '../../src/repo/delta-tree-walk.ts';

describe('fossilBagOrder', () => {
  it('is slot order, not rid order', () => {
    // In a 20-slot bag: 1 -> slot 1, 20 -> slot 0.
    expect(fossilBagOrder([1, 20])).toEqual([20, 1]);
    // 3 and 23 both hash to slot 3; 23 probes on to slot 4.
    expect(fossilBagOrder([3, 23])).toEqual([3, 23]);
  });

  it('keeps every rid once, through growth of the table', () => {
    const rids = Array.from({ length: 500 }, (_, i) => 7 + i * 13);
    const order = fossilBagOrder(rids);
    expect([...order].sort((a, b) => a - b)).toEqual(rids);
    expect(order).not.toEqual(rids);
  });
});
