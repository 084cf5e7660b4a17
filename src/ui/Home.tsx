/**
 * Home: the repositories in this browser, and the ways to get one: create, clone from a hub (or
 * a share link), import a `.fossil` file (picker or drop). Storage used and quota at the bottom.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import { parseShareLink } from '../peer/share-link.ts';
import type { HubInfo } from './hub-info.ts';
import { ago, formatBytes } from './format.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { go, repoHash } from './route.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { useApi, usePeer } from './context.tsx';

export function Home(props: { hub: HubInfo | undefined }) {
  const api = useApi();
  const peer = usePeer();
  const s = peer.state;
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal<string>();
  const [dragging, setDragging] = createSignal(false);
  const [storage, { refetch }] = createResource(() => s.repos.length + 1, () => api.storage());

  async function run(what: string, fn: () => Promise<void>) {
    setError(undefined);
    setBusy(what);
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
      void refetch();
    }
  }

  function create(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(f.get('name') ?? '').trim() || 'my-project';
    void run('create', async () => {
      const r = await api.repos.create(name, String(f.get('user') ?? '').trim() || 'me');
      go(repoHash(r.name));
    });
  }

  function clone(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = String(f.get('source') ?? '').trim();
    const link = parseShareLink(text);
    const hub = String(f.get('hub') ?? '').trim();
    if (!link && !/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(text)) {
      setError('Paste a share link, or a project code (40 or 64 hex digits) with the hub address.');
      return;
    }
    const req = link ?? { hub, projectCode: text.toLowerCase(), auth: hub === props.hub?.ws ? props.hub.read : undefined, role: 'reader' as const };
    void run('clone', async () => {
      const r = await api.repos.clone(req);
      go(repoHash(r.name));
    });
  }

  async function importFiles(files: FileList | File[] | null) {
    for (const file of Array.from(files ?? [])) {
      await run('import', async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const r = await api.repos.importFile(file.name, bytes);
        go(repoHash(r.name));
      });
    }
  }

  /** The clone of a repository under way (one a reload interrupted resumes by itself). */
  const cloneRunning = (name: string) => {
    const p = s.progress[name];
    return p && p.kind === 'clone' && p.phase === 'running' ? p : undefined;
  };
  const onHub = () => (props.hub?.repos ?? []).filter((r) => !s.repos.some((l) => l.projectCode === r.projectCode));

  return (
    <main
      class="page"
      classList={{ dragging: dragging() }}
      onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => { e.preventDefault(); setDragging(false); void importFiles(e.dataTransfer?.files ?? null); }}
    >
      <section aria-labelledby="local-h">
        <h2 id="local-h">Repositories in this browser</h2>
        <Show when={s.repos.length > 0} fallback={<p class="muted">None yet. Clone one from a hub, create one, or drop a <code>.fossil</code> file here.</p>}>
          <ul class="repo-list" data-testid="repo-list">
            <For each={s.repos}>
              {(r) => (
                <li class="repo-card">
                  <a href={repoHash(r.name)} class="repo-link">
                    <span class="repo-name">{r.name}</span>
                    <span class="muted small">{r.projectName !== r.name ? r.projectName : ''}</span>
                  </a>
                  <div class="repo-meta small">
                    <span>{r.checkins} check-ins</span>
                    <span>{formatBytes(r.bytes)}</span>
                    <span>synced {(peer.tick(), ago(r.lastSync))}</span>
                    <Show when={r.hub}>
                      <ConnectionBadge state={r.connection} />
                      <span>{r.peers.length} {r.peers.length === 1 ? 'peer' : 'peers'} online</span>
                    </Show>
                    <Show when={r.unfinished && !cloneRunning(r.name)}><span class="warn">clone unfinished</span></Show>
                  </div>
                  <Show when={r.unfinished && cloneRunning(r.name)}>
                    {(p) => (
                      <div class="small" aria-live="polite" data-testid="repo-clone-progress">
                        <span>{p().text}</span>
                        <ProgressBar fraction={p().fraction} label={`clone of ${r.name}`} />
                      </div>
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>

      <Show when={onHub().length > 0}>
        <section class="card" aria-labelledby="hub-h">
          <h2 id="hub-h">On this hub</h2>
          <ul class="plain">
            <For each={onHub()}>
              {(r) => (
                <li class="row">
                  <span>{r.name} <code class="muted small">{r.projectCode.slice(0, 12)}</code></span>
                  <button type="button" disabled={!!busy()} onClick={() => void run('clone', async () => {
                    const c = await api.repos.clone({ hub: props.hub!.ws, projectCode: r.projectCode, name: r.name, auth: props.hub!.read, role: 'reader' });
                    go(repoHash(c.name));
                  })}>Clone</button>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>

      <Show when={error()}>
        <p role="alert" class="error">{error()}</p>
      </Show>
      <Show when={busy() === 'clone' && Object.values(s.progress).find((p) => p.kind === 'clone' && p.phase === 'running')}>
        {(p) => (
          <div class="card" aria-live="polite">
            <p>{p().text}</p>
            <ProgressBar fraction={p().fraction} label="clone progress" />
          </div>
        )}
      </Show>

      <div class="grid">
        <form class="card" onSubmit={clone} aria-labelledby="clone-h">
          <h2 id="clone-h">Clone from a hub</h2>
          <label>Share link or project code
            <input name="source" required placeholder="http://…#/clone?… or 40/64 hex digits" autocomplete="off" />
          </label>
          <label>Hub (for a project code)
            <input name="hub" value={props.hub?.ws ?? ''} placeholder="ws://127.0.0.1:8222" />
          </label>
          <button type="submit" disabled={!!busy()}>Clone</button>
        </form>

        <form class="card" onSubmit={create} aria-labelledby="create-h">
          <h2 id="create-h">New repository</h2>
          <label>Name<input name="name" required placeholder="my-project" /></label>
          <label>Your user name<input name="user" placeholder="me" /></label>
          <button type="submit" disabled={!!busy()}>Create</button>
        </form>

        <div class="card" aria-labelledby="import-h">
          <h2 id="import-h">Import a .fossil file</h2>
          <p class="muted small">Choose a file, or drop it anywhere on this page.</p>
          <label class="file-button">
            <input type="file" accept=".fossil,application/x-sqlite3,application/octet-stream" data-testid="import-input"
              onChange={(e) => void importFiles(e.currentTarget.files)} />
            <span>Choose file…</span>
          </label>
        </div>
      </div>

      <Show when={storage()}>
        {(st) => (
          <p class="muted small" data-testid="storage">
            Storage: {formatBytes(st().usedBytes)} used of {formatBytes(st().quotaBytes)} available to this site
            {st().persisted ? ' (persistent)' : ''}.
          </p>
        )}
      </Show>
    </main>
  );
}
