/**
 * The working copy in the browser: choose where to start (a branch tip or a check-in), edit
 * text files, add files (picker or drag-and-drop, binary too), rename and delete, see the
 * pending changes and commit them on the branch or on a new one. Every change goes straight
 * to the worker's draft, so a reload or a closed tab loses nothing.
 */
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { DraftEntry, DraftState } from '../../peer/author-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { dateTime, formatBytes } from '../format.ts';
import { authorOr, message, short, rememberAuthorFrom } from './common.ts';
import { AuthorField } from './gate.tsx';
import { useApi, usePeer } from '../context.tsx';

const enc = new TextEncoder();
const dec = new TextDecoder();
const SHOWN = 400;

const statusLabel: Record<string, string> = { edited: 'edited', added: 'added', renamed: 'renamed', deleted: 'deleted', unchanged: '' };

export function EditPage(props: SectionProps) {
  const peer = usePeer();
  const author = useApi().author;
  const [state, setState] = createSignal<DraftState>();
  const [error, setError] = createSignal<string>();
  const [notice, setNotice] = createSignal<{ text: string; uuid?: string }>();
  const [selected, setSelected] = createSignal<string>();
  const [text, setText] = createSignal('');
  const [binary, setBinary] = createSignal<number>();
  const [dirty, setDirty] = createSignal(false);
  const [filter, setFilter] = createSignal('');
  const [folder, setFolder] = createSignal('');
  const [dragging, setDragging] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [points] = createResource(() => ({ n: props.name, v: peer.state.changes[props.name] ?? 0 }), (k) => author.startPoints(k.n));
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  async function reload() {
    try {
      setState(await author.draft(props.name));
    } catch (e) {
      setError(message(e));
    }
  }
  // New check-ins (a sync, a commit) can move the branch the draft follows.
  createEffect(on(() => [props.name, peer.state.changes[props.name]], () => void reload()));
  onCleanup(() => {
    if (saveTimer) clearTimeout(saveTimer);
    if (dirty()) void save();
  });

  async function act(fn: () => Promise<DraftState>): Promise<boolean> {
    setError(undefined);
    try {
      setState(await fn());
      return true;
    } catch (e) {
      setError(message(e));
      return false;
    }
  }

  async function save(): Promise<void> {
    const f = selected();
    if (!f || !dirty()) return;
    if (saveTimer) clearTimeout(saveTimer);
    setDirty(false);
    await act(() => author.writeFile(props.name, f, enc.encode(text())));
  }

  function typed(v: string) {
    setText(v);
    setDirty(true);
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void save(), 500);
  }

  async function open(file: string) {
    await save();
    setError(undefined);
    try {
      const t = await author.readFile(props.name, file);
      setSelected(file);
      setBinary(t.binary ? t.bytes.length : undefined);
      setText(t.binary ? '' : dec.decode(t.bytes));
      setDirty(false);
      // On a phone the editor sits below the file list: bring it into view.
      if (matchMedia('(max-width: 52rem)').matches) document.querySelector('.write-editor')?.scrollIntoView({ block: 'start' });
    } catch (e) {
      setError(message(e));
    }
  }

  function close() {
    setSelected(undefined);
    setText('');
    setBinary(undefined);
  }

  async function addFiles(list: FileList | File[] | null | undefined) {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    const prefix = folder().trim().replace(/^\/+|\/+$/g, '');
    const items = await Promise.all(files.map(async (f) => ({ name: prefix ? `${prefix}/${f.name}` : f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    if (await act(() => author.writeFiles(props.name, items))) {
      setNotice({ text: `Added ${items.map((i) => i.name).join(', ')}` });
      if (items.length === 1) await open(items[0]!.name);
    }
  }

  async function newFile(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('newname') ?? '').trim();
    if (!name) return;
    if (state()?.files.some((f) => f.name === name)) return void open(name);
    if (await act(() => author.writeFile(props.name, name, new Uint8Array()))) {
      form.reset();
      await open(name);
    }
  }

  async function rename(e: SubmitEvent) {
    e.preventDefault();
    const from = selected();
    const to = String(new FormData(e.currentTarget as HTMLFormElement).get('rename') ?? '').trim();
    if (!from || !to || to === from) return;
    await save();
    if (await act(() => author.renameFile(props.name, from, to))) setSelected(to);
  }

  async function remove() {
    const f = selected();
    if (!f) return;
    if (saveTimer) clearTimeout(saveTimer);
    setDirty(false);
    if (await act(() => author.deleteFile(props.name, f))) close();
  }

  async function revert(name: string) {
    if (selected() === name) {
      if (saveTimer) clearTimeout(saveTimer);
      setDirty(false);
    }
    if (await act(() => author.revertFile(props.name, name))) {
      if (selected() === name) {
        if (state()?.files.some((f) => f.name === name)) await open(name);
        else close();
      }
    }
  }

  async function replaceBinary(list: FileList | null) {
    const f = list?.[0];
    const name = selected();
    if (!f || !name) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (await act(() => author.writeFile(props.name, name, bytes))) await open(name);
  }

  async function startFrom(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const checkin = String(f.get('checkin') ?? '').trim();
    const branch = String(f.get('branch') ?? '');
    close();
    await act(() => author.startDraft(props.name, checkin ? { checkin } : { branch }));
  }

  async function commit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    await save();
    setError(undefined);
    setNotice(undefined);
    setBusy(true);
    try {
      rememberAuthorFrom(f);
      const r = await author.commit(props.name, { comment: String(f.get('comment') ?? ''), user: authorOr(), newBranch: String(f.get('newbranch') ?? '') });
      setNotice({ text: `Committed ${short(r.uuid)} on ${r.branch ?? 'trunk'}.`, uuid: r.uuid });
      (form.elements.namedItem('comment') as HTMLTextAreaElement).value = '';
      (form.elements.namedItem('newbranch') as HTMLInputElement).value = '';
      await reload();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  }

  async function discard() {
    if (!confirm('Discard every pending change?')) return;
    close();
    await act(() => author.discard(props.name));
  }

  const changed = () => (state()?.files ?? []).filter((f) => f.status !== 'unchanged');
  const shown = () => {
    const q = filter().toLowerCase();
    const all = state()?.files ?? [];
    return (q ? all.filter((f) => f.name.toLowerCase().includes(q)) : all).slice(0, SHOWN);
  };
  const entry = (): DraftEntry | undefined => state()?.files.find((f) => f.name === selected());

  return (
    <div
      class="write-edit"
      classList={{ dragging: dragging() }}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void addFiles(e.dataTransfer?.files);
      }}
    >
      <Show when={error()}><p role="alert" class="error" data-testid="write-error">{error()}</p></Show>
      <Show when={notice()}>
        {(n) => (
          <p role="status" class="write-notice" data-testid="write-notice">
            {n().text} <Show when={n().uuid}><a href={repoHash(props.name, 'checkin', n().uuid!)}>View the check-in</a></Show>
          </p>
        )}
      </Show>

      <section class="card write-base" aria-labelledby="base-h">
        <h2 id="base-h">Working copy</h2>
        <Show when={state()?.base} fallback={<p class="muted">Loading…</p>}>
          {(b) => (
            <p data-testid="draft-base">
              On <strong class="branch">{state()!.branch ?? b().branch ?? 'trunk'}</strong>, from check-in{' '}
              <a href={repoHash(props.name, 'checkin', b().uuid)}><code>{short(b().uuid)}</code></a>{' '}
              <span class="muted">“{b().comment}” by {b().user}, {dateTime(b().time)}</span>
            </p>
          )}
        </Show>
        <Show when={state()?.branchMovedTo}>
          <p class="write-warn" role="status" data-testid="branch-moved">
            <strong>{state()!.branch}</strong> has moved on since you started (it is now at{' '}
            <a href={repoHash(props.name, 'checkin', state()!.branchMovedTo!)}><code>{short(state()!.branchMovedTo)}</code></a>).
            Committing keeps your work as a second leaf of the branch, a fork you can see and merge later.
          </p>
        </Show>
        <details>
          <summary>Start from another branch or check-in</summary>
          <form class="write-start" onSubmit={(e) => void startFrom(e)}>
            <label>Branch
              <select name="branch" data-testid="start-branch">
                <For each={points() ?? []}>
                  {(p) => <option value={p.branch} selected={p.branch === state()?.branch}>{p.branch}{p.closed ? ' (closed)' : ''}</option>}
                </For>
              </select>
            </label>
            <label>or check-in (hash prefix or tag)<input name="checkin" placeholder="e.g. 1a2b3c4d" autocomplete="off" /></label>
            <button type="submit" disabled={(state()?.changes ?? 0) > 0} title={(state()?.changes ?? 0) > 0 ? 'Commit or discard the pending changes first' : undefined}>Start here</button>
          </form>
        </details>
      </section>

      <div class="write-grid">
        <section class="card write-files" aria-labelledby="files-h">
          <h2 id="files-h">Files <span class="muted small">({state()?.files.length ?? 0})</span></h2>
          <input type="search" placeholder="Filter files" aria-label="Filter files" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
          <ul class="write-file-list" data-testid="file-list">
            <For each={shown()}>
              {(f) => (
                <li data-name={f.name} data-status={f.status} aria-current={selected() === f.name ? 'true' : undefined}>
                  <button type="button" class="link" onClick={() => void open(f.name)}>{f.name}</button>
                  <Show when={f.status !== 'unchanged'}><span class={`write-st write-st-${f.status}`}>{statusLabel[f.status]}</span></Show>
                </li>
              )}
            </For>
          </ul>
          <Show when={(state()?.files.length ?? 0) > shown().length}><p class="muted small">Showing {shown().length}; filter to find the others.</p></Show>
          <form class="write-new" onSubmit={(e) => void newFile(e)}>
            <label>New file<input name="newname" placeholder="path/name.txt" autocomplete="off" data-testid="new-file-name" /></label>
            <button type="submit" class="secondary">Create</button>
          </form>
          <div class="write-add">
            <label>Into folder<input value={folder()} onInput={(e) => setFolder(e.currentTarget.value)} placeholder="(top level)" data-testid="add-folder" /></label>
            <label class="file-button">
              <input type="file" multiple data-testid="add-input" onChange={(e) => { void addFiles(e.currentTarget.files); e.currentTarget.value = ''; }} />
              <span>Add files…</span>
            </label>
            <p class="muted small">or drop files anywhere on this page</p>
          </div>
        </section>

        <section class="card write-editor" aria-labelledby="editor-h" data-testid="editor">
          <Show when={selected()} fallback={<><h2 id="editor-h">Editor</h2><p class="muted">Pick a file to edit it, or create or add one.</p></>}>
            <div class="row">
              <h2 id="editor-h" class="write-fname" data-testid="editor-name">{selected()}</h2>
              <span class="muted small" data-testid="save-state">{dirty() ? 'editing…' : entry()?.status === 'unchanged' ? 'unchanged' : 'saved in the draft'}</span>
            </div>
            <Show when={binary() === undefined} fallback={
              <div class="write-binary">
                <p>Binary file, {formatBytes(binary() ?? 0)}.</p>
                <label class="file-button"><input type="file" onChange={(e) => void replaceBinary(e.currentTarget.files)} /><span>Replace with…</span></label>
              </div>
            }>
              <textarea
                class="write-text"
                data-testid="editor-text"
                spellcheck={false}
                value={text()}
                onInput={(e) => typed(e.currentTarget.value)}
                onBlur={() => void save()}
                onKeyDown={(e) => {
                  if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    void save();
                  }
                }}
              />
            </Show>
            <div class="write-file-actions">
              <form class="write-rename" onSubmit={(e) => void rename(e)}>
                <input name="rename" value={selected()} aria-label="New name" data-testid="rename-input" autocomplete="off" />
                <button type="submit" class="secondary">Rename</button>
              </form>
              <button type="button" class="danger" onClick={() => void remove()} data-testid="delete-file">Delete</button>
              <Show when={entry() && entry()!.status !== 'unchanged'}>
                <button type="button" class="secondary" onClick={() => void revert(selected()!)}>Revert</button>
              </Show>
              <button type="button" class="link" onClick={() => void save().then(close)}>Close</button>
            </div>
          </Show>
        </section>
      </div>

      <section class="card write-changes" aria-labelledby="changes-h" data-testid="changes">
        <h2 id="changes-h">Pending changes <span class="muted small">({changed().length + (state()?.deleted.length ?? 0)})</span></h2>
        <Show when={changed().length + (state()?.deleted.length ?? 0) > 0} fallback={<p class="muted">No changes yet.</p>}>
          <ul class="write-change-list">
            <For each={changed()}>
              {(f) => (
                <li data-name={f.name} data-status={f.status}>
                  <span class={`write-st write-st-${f.status}`}>{statusLabel[f.status]}</span>{' '}
                  <button type="button" class="link" onClick={() => void open(f.name)}>{f.name}</button>
                  <Show when={f.oldName}> <span class="muted small">(was {f.oldName})</span></Show>
                  {' '}<span class="muted small">{formatBytes(f.size)}</span>
                  {' '}<button type="button" class="link small" onClick={() => void revert(f.name)}>revert</button>
                </li>
              )}
            </For>
            <For each={state()?.deleted ?? []}>
              {(name) => (
                <li data-name={name} data-status="deleted">
                  <span class="write-st write-st-deleted">deleted</span> {name}{' '}
                  <button type="button" class="link small" onClick={() => void revert(name)}>restore</button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <form class="write-commit" onSubmit={(e) => void commit(e)}>
          <label>Comment<textarea name="comment" rows="3" required data-testid="commit-comment" /></label>
          <div class="write-commit-row">
            <AuthorField name={props.name} testid="commit-user" />
            <label>New branch (optional)<input name="newbranch" placeholder={`commit on ${state()?.branch ?? 'trunk'}`} autocomplete="off" data-testid="commit-branch" /></label>
          </div>
          <div class="actions">
            <button type="submit" disabled={busy()} data-testid="commit-button">Commit</button>
            <button type="button" class="danger" onClick={() => void discard()} disabled={(state()?.changes ?? 0) === 0}>Discard all</button>
          </div>
        </form>
      </section>
    </div>
  );
}
