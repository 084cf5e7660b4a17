// Counts in words, as the Delete warning and the import's merge report say them.
import { expect, it } from 'vitest';
import { count, kindsInWords } from '../../src/ui/format.ts';

it('counts things in words', () => {
  expect(count(1, 'check-in')).toBe('1 check-in');
  expect(count(0, 'check-in')).toBe('0 check-ins');
  expect(count(3, 'artifact')).toBe('3 artifacts');
});

it('names each kind that has any, joined as a sentence says them', () => {
  expect(kindsInWords({ checkin: 1, wiki: 0, ticket: 0, other: 0 })).toBe('1 check-in');
  expect(kindsInWords({ checkin: 2, wiki: 0, ticket: 1, other: 0 })).toBe('2 check-ins and 1 ticket change');
  expect(kindsInWords({ checkin: 2, wiki: 3, ticket: 1, other: 1 })).toBe('2 check-ins, 3 wiki changes, 1 ticket change and 1 other change');
  expect(kindsInWords({ checkin: 0, wiki: 0, ticket: 0, other: 0 })).toBe('nothing');
});
