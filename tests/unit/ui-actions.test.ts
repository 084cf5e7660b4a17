// The forms' shared helpers (src/ui/actions.ts): an action's error and busy state, and the
// debounced save of typed text (once after the typing stops, at once on flush, never after cancel).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAction, createDebouncedSave } from '../../src/ui/actions.ts';

describe('createAction', () => {
  it('is busy while a named step runs, keeps its error in the given words, clears it on the next run', async () => {
    const a = createAction((e) => `failed: ${(e as Error).message}`);
    let release!: () => void;
    const running = a.run(() => new Promise<number>((r) => (release = () => r(7))), 'save');
    expect(a.busy()).toBe('save');
    release();
    expect(await running).toBe(7);
    expect(a.busy()).toBeUndefined();
    expect(await a.run(async () => { throw new Error('no hub'); }, 'save')).toBeUndefined();
    expect(a.error()).toBe('failed: no hub');
    expect(a.busy()).toBeUndefined();
    // An unnamed step leaves busy alone.
    let during: string | undefined = 'unset';
    await a.run(async () => { during = a.busy(); });
    expect(during).toBeUndefined();
    expect(a.error()).toBeUndefined();
  });
});

describe('createDebouncedSave', () => {
  afterEach(() => vi.useRealTimers());

  it('saves once after the last change, at once on flush, and not after cancel', async () => {
    vi.useFakeTimers();
    const save = vi.fn(async () => undefined);
    const d = createDebouncedSave(save, 500);
    d.changed();
    vi.advanceTimersByTime(400);
    d.changed();
    vi.advanceTimersByTime(400);
    expect(save).not.toHaveBeenCalled();
    expect(d.dirty()).toBe(true);
    vi.advanceTimersByTime(100);
    expect(save).toHaveBeenCalledTimes(1);
    expect(d.dirty()).toBe(false);

    d.changed();
    await d.flush();
    expect(save).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(2);
    // Nothing changed: nothing to save.
    await d.flush();
    expect(save).toHaveBeenCalledTimes(2);

    d.changed();
    d.cancel();
    expect(d.dirty()).toBe(false);
    vi.advanceTimersByTime(1000);
    await d.flush();
    expect(save).toHaveBeenCalledTimes(2);
  });
});
