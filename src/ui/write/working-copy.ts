/**
 * The state of the Edit files page and what can be done to it: the draft as the worker has it,
 * the file open in the editor (its text saved a moment after typing stops), and each change
 * (open, add, create, rename, delete, revert, start elsewhere, commit, discard) as one call to
 * the worker's `author` group. The page's parts (EditPage.tsx) only show it and call these.
 */
import { createEffect, createResource, createSignal, on, onCleanup } from 'solid-js';
import type { DraftEntry, DraftState } from '../../peer/author-types.ts';
import { createAction, createDebouncedSave } from '../actions.ts';
import { useApi, usePeer } from '../context.tsx';
import { authorOr, message, rememberAuthorFrom, short } from './common.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function createWorkingCopy(name: () => string) {
  const author = useApi().author;
  const peer = usePeer();
  const [state, setState] = createSignal<DraftState>();
  const [notice, setNotice] = createSignal<{ text: string; uuid?: string }>();
  const [selected, setSelected] = createSignal<string>();
  const [text, setText] = createSignal('');
  /** The open file's size when it is binary (no text editor then). */
  const [binary, setBinary] = createSignal<number>();
  /** Where added files go (the top level when empty). */
  const [folder, setFolder] = createSignal('');
  const action = createAction(message);
  const changes = () => peer.state.changes[name()] ?? 0;
  const [points] = createResource(() => ({ n: name(), v: changes() }), (k) => author.startPoints(k.n));
  const editing = createDebouncedSave(async () => {
    const f = selected();
    if (f) await act(() => author.writeFile(name(), f, enc.encode(text())));
  }, 500);

  async function reload() {
    try {
      setState(await author.draft(name()));
    } catch (e) {
      action.setError(message(e));
    }
  }
  // New check-ins (a sync, a commit) can move the branch the draft follows.
  createEffect(on(() => [name(), changes()], () => void reload()));
  onCleanup(() => void editing.flush());

  /** A change of the draft; true when it was made. */
  async function act(fn: () => Promise<DraftState>): Promise<boolean> {
    const s = await action.run(fn);
    if (s) setState(s);
    return s !== undefined;
  }

  const save = () => editing.flush();

  function typed(v: string) {
    setText(v);
    editing.changed();
  }

  async function open(file: string) {
    await save();
    action.setError(undefined);
    try {
      const t = await author.readFile(name(), file);
      setSelected(file);
      setBinary(t.binary ? t.bytes.length : undefined);
      setText(t.binary ? '' : dec.decode(t.bytes));
      editing.cancel();
      // On a phone the editor sits below the file list: bring it into view.
      if (matchMedia('(max-width: 52rem)').matches) document.querySelector('.write-editor')?.scrollIntoView({ block: 'start' });
    } catch (e) {
      action.setError(message(e));
    }
  }

  function close() {
    setSelected(undefined);
    setText('');
    setBinary(undefined);
  }

  /** Files from the picker or a drop, into the folder. */
  async function addFiles(list: FileList | File[] | null | undefined) {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    const prefix = folder().trim().replace(/^\/+|\/+$/g, '');
    const items = await Promise.all(files.map(async (f) => ({ name: prefix ? `${prefix}/${f.name}` : f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    if (await act(() => author.writeFiles(name(), items))) {
      setNotice({ text: `Added ${items.map((i) => i.name).join(', ')}` });
      if (items.length === 1) await open(items[0]!.name);
    }
  }

  /** An empty new file (or the one of that name, when it exists); `created` clears the form. */
  async function newFile(file: string, created: () => void) {
    if (state()?.files.some((f) => f.name === file)) return void open(file);
    if (await act(() => author.writeFile(name(), file, new Uint8Array()))) {
      created();
      await open(file);
    }
  }

  async function rename(to: string) {
    const from = selected();
    if (!from || !to || to === from) return;
    await save();
    if (await act(() => author.renameFile(name(), from, to))) setSelected(to);
  }

  async function remove() {
    const f = selected();
    if (!f) return;
    editing.cancel();
    if (await act(() => author.deleteFile(name(), f))) close();
  }

  async function revert(file: string) {
    if (selected() === file) editing.cancel();
    if (await act(() => author.revertFile(name(), file))) {
      if (selected() === file) {
        if (state()?.files.some((f) => f.name === file)) await open(file);
        else close();
      }
    }
  }

  async function replaceBinary(list: FileList | null) {
    const f = list?.[0];
    const file = selected();
    if (!f || !file) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (await act(() => author.writeFile(name(), file, bytes))) await open(file);
  }

  async function startFrom(from: { checkin: string; branch: string }) {
    close();
    await act(() => author.startDraft(name(), from.checkin ? { checkin: from.checkin } : { branch: from.branch }));
  }

  /** Commit what the form says; `committed` clears the form. */
  async function commit(f: FormData, committed: () => void) {
    await save();
    setNotice(undefined);
    await action.run(async () => {
      rememberAuthorFrom(f);
      const r = await author.commit(name(), { comment: String(f.get('comment') ?? ''), user: authorOr(), newBranch: String(f.get('newbranch') ?? '') });
      setNotice({ text: `Committed ${short(r.uuid)} on ${r.branch ?? 'trunk'}.`, uuid: r.uuid });
      committed();
      await reload();
    }, 'commit');
  }

  async function discard() {
    if (!confirm('Discard every pending change?')) return;
    close();
    await act(() => author.discard(name()));
  }

  const entry = (): DraftEntry | undefined => state()?.files.find((f) => f.name === selected());

  return {
    name, state, notice, selected, text, binary, folder, setFolder, points, entry, action, dirty: editing.dirty, reload,
    save, typed, open, close, addFiles, newFile, rename, remove, revert, replaceBinary, startFrom, commit, discard,
  };
}

export type WorkingCopy = ReturnType<typeof createWorkingCopy>;
