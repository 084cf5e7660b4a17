// The UI's one mapping from error codes to sentences: every code has one, a thrown error that
// crossed comlink (a plain Error with a `code` field) and a progress event's `{ code, message }`
// are worded by their code, and nothing is ever guessed from a message's text.
import { describe, expect, it } from 'vitest';
import { CodedError, ERROR_CODES, type ErrorCode } from '../../src/errors.ts';
import { CLONE_ERROR_SENTENCES, cloneErrorText, ERROR_SENTENCES, errorText } from '../../src/ui/error-text.ts';

describe('error-text', () => {
  it('has a sentence for every code, with and without a detail', () => {
    expect(Object.keys(ERROR_SENTENCES).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      // Without a detail: a whole sentence of its own.
      expect(ERROR_SENTENCES[code](''), code).toMatch(/^[A-Z].*\.$/s);
      expect(ERROR_SENTENCES[code](''), code).not.toMatch(/undefined|null|\(\)|: \.?$/);
      // With one: words, and the detail at most once.
      const text = ERROR_SENTENCES[code]('what happened');
      expect(text.length, code).toBeGreaterThan(0);
      expect(text.split('what happened').length, code).toBeLessThanOrEqual(2);
    }
  });

  it('says a local storage failure is this device’s, not a peer’s', () => {
    const text = errorText({ code: 'local-storage', message: 'local storage failed: database or disk is full' });
    expect(text).toMatch(/this device’s storage/i);
    expect(text).not.toMatch(/peer/i);
    expect(text).toContain('database or disk is full');
  });

  it('words an error by its code, whatever its message says', () => {
    // As comlink rethrows a worker's error in the page: a plain Error with the fields copied on.
    const crossed = Object.assign(new Error('bad artifact from peer-x: database or disk is full'), { name: 'SyncError', code: 'local-storage' });
    expect(errorText(crossed)).toBe(ERROR_SENTENCES['local-storage'](crossed.message));
    expect(errorText(new CodedError('no-peer', 'no responder on sync.abc'))).toBe(ERROR_SENTENCES['no-peer']('no responder on sync.abc'));
    // Messages that read like a known failure do not change the code: no code is `internal`.
    expect(errorText(new Error('503 no responders'))).toBe('503 no responders');
    expect(errorText(new Error('Authorization Violation'))).toBe('Authorization Violation');
  });

  it('shows messages written for people as they are, and gives a sentence when there is none', () => {
    expect(errorText(new CodedError('conflict', 'This project is already here, as “demo”.'))).toBe('This project is already here, as “demo”.');
    expect(errorText({ code: 'read-only' })).toBe(ERROR_SENTENCES['read-only'](''));
    expect(errorText({ code: 'not a code', message: 'x' })).toBe('x');
    expect(errorText('a string thrown')).toBe('a string thrown');
    expect(errorText(undefined)).toBe(ERROR_SENTENCES.internal(''));
  });

  it('a code the page does not know is treated as internal', () => {
    const codes: readonly string[] = ERROR_CODES;
    expect(codes.includes('disk-full')).toBe(false);
    expect(errorText({ code: 'disk-full' as ErrorCode, message: 'm' })).toBe('m');
  });

  it('a failed clone is worded for a clone: nothing keeps trying it, and no peer means no such project there', () => {
    const unreachable = cloneErrorText(new CodedError('unreachable', 'Cannot reach the hub at ws://127.0.0.1:1'));
    expect(unreachable).toBe(CLONE_ERROR_SENTENCES.unreachable!(''));
    expect(unreachable).toMatch(/cannot reach the hub/i);
    expect(unreachable).not.toMatch(/keeps trying/i);
    expect(cloneErrorText({ code: 'no-peer', message: 'no peer on this hub serves project abc' })).toMatch(/nothing there serves this project/);
    expect(cloneErrorText({ code: 'cancelled' })).toMatch(/cancelled/);
    // Every other code as anywhere else.
    const refused = Object.assign(new Error('not authorized to clone'), { code: 'peer-refused' });
    expect(cloneErrorText(refused)).toBe(errorText(refused));
    for (const sentence of Object.values(CLONE_ERROR_SENTENCES)) expect(sentence('')).toMatch(/^[A-Z].*\.$/s);
  });
});
