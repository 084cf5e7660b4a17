/**
 * Two things the forms share. `createAction`: run an async step with its error (and, when it is
 * named, a busy state) kept for the page to show. `createDebouncedSave`: text typed is saved a
 * moment after the typing stops, at once when asked, and not at all when cancelled.
 */
import { createSignal, type Accessor } from 'solid-js';

export interface Action {
  /** The name of the step running now (forms disable their buttons on it). */
  busy: Accessor<string | undefined>;
  /** The last step's error, in the words `describe` gave it. */
  error: Accessor<string | undefined>;
  setError(text: string | undefined): void;
  /**
   * Clears the error and runs `fn` (busy as `what` while it runs, when named); a throw becomes the
   * error. Resolves to what `fn` gave, or undefined when it failed.
   */
  run<T>(fn: () => Promise<T>, what?: string): Promise<T | undefined>;
}

/** `describe`: an error as the words the page shows. */
export function createAction(describe: (e: unknown) => string): Action {
  const [busy, setBusy] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  return {
    busy,
    error,
    setError,
    async run<T>(fn: () => Promise<T>, what?: string): Promise<T | undefined> {
      setError(undefined);
      if (what) setBusy(what);
      try {
        return await fn();
      } catch (e) {
        setError(describe(e));
        return undefined;
      } finally {
        if (what) setBusy(undefined);
      }
    },
  };
}

export interface DebouncedSave {
  /** Changed since the last save. */
  dirty: Accessor<boolean>;
  /** Something changed: save it `ms` after the last change. */
  changed(): void;
  /** Save now what changed (nothing when nothing did). */
  flush(): Promise<void>;
  /** Forget the change (it is being thrown away or replaced). */
  cancel(): void;
}

export function createDebouncedSave(save: () => Promise<void>, ms: number): DebouncedSave {
  const [dirty, setDirty] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const flush = async () => {
    if (!dirty()) return;
    stop();
    setDirty(false);
    await save();
  };
  return {
    dirty,
    changed() {
      setDirty(true);
      stop();
      timer = setTimeout(() => void flush(), ms);
    },
    flush,
    cancel() {
      stop();
      setDirty(false);
    },
  };
}
