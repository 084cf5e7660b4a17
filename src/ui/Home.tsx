/**
 * Home: the repositories in this browser, and the ways to get one: create, clone from a hub (or
 * a share link), import a `.fossil` file (picker or drop; a copy of a project already here is
 * offered to be synced into it). Storage used and quota, and whether the browser keeps it, at the
 * bottom; the first clone, import or new repository asks the browser to keep it (persistence.ts).
 * This page runs the actions; its parts (src/ui/home) show the lists and the forms.
 */
import { createResource, createSignal, Show } from 'solid-js';
import { parseShareLink } from '../peer/share-link.ts';
import type { HubInfo } from './hub-info.ts';
import type { MergeOutcome } from '../peer/api-types.ts';
import { askToPersist, persistAnswer } from './persistence.ts';
import { StorageNote } from './home/StorageNote.tsx';
import { MergeOffer, MergeReport, type PendingMerge } from './home/MergeOffer.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { go, repoHash } from './route.ts';
import { createAction } from './actions.ts';
import { useApi, usePeer } from './context.tsx';
import { RepoList } from './home/RepoList.tsx';
import { HubRepos } from './home/HubRepos.tsx';
import { AddRepo } from './home/AddRepo.tsx';
import { errorText } from './error-text.ts';

export function Home(props: { hub: HubInfo | undefined }) {
  const api = useApi();
  const s = usePeer().state;
  const action = createAction(errorText);
  const [dragging, setDragging] = createSignal(false);
  // Read again when a repository comes or goes, and when the browser answered the request to persist.
  const [storage, { refetch }] = createResource(() => `${s.repos.length} ${persistAnswer()}`, () => api.storage());
  const [offer, setOffer] = createSignal<PendingMerge>();
  const [merged, setMerged] = createSignal<MergeOutcome>();

  async function run(what: string, fn: () => Promise<void>) {
    await action.run(fn, what);
    void refetch();
  }

  function create(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(f.get('name') ?? '').trim() || 'my-project';
    void askToPersist();
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
      action.setError('Paste a share link, or a project code (40 or 64 hex digits) with the hub address.');
      return;
    }
    const req = link ?? { hub, projectCode: text.toLowerCase(), auth: hub === props.hub?.ws ? props.hub.read : undefined, role: 'reader' as const };
    void askToPersist();
    void run('clone', async () => {
      const r = await api.repos.clone(req);
      go(repoHash(r.name));
    });
  }

  function cloneFromHub(r: { name: string; projectCode: string }) {
    void askToPersist();
    void run('clone', async () => {
      const c = await api.repos.clone({ hub: props.hub!.ws, projectCode: r.projectCode, name: r.name, auth: props.hub!.read, role: 'reader' });
      go(repoHash(c.name));
    });
  }

  async function importFiles(files: FileList | File[] | null) {
    setMerged(undefined);
    for (const file of Array.from(files ?? [])) {
      void askToPersist();
      await run('import', async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const r = await api.repos.importFile(file.name, bytes);
        if (r.kind === 'imported') go(repoHash(r.repo.name));
        else setOffer({ file: file.name, existing: r.existing, bytes });
      });
      // One offer at a time: the files after it wait for another drop.
      if (offer()) break;
    }
  }

  function merge() {
    const o = offer();
    if (!o) return;
    void run('merge', async () => {
      setMerged(await api.repos.mergeFile(o.existing, o.bytes));
      setOffer(undefined);
    });
  }

  return (
    <main
      class="page"
      classList={{ dragging: dragging() }}
      onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => { e.preventDefault(); setDragging(false); void importFiles(e.dataTransfer?.files ?? null); }}
    >
      <RepoList />
      <HubRepos hub={props.hub} busy={!!action.busy()} clone={cloneFromHub} />

      <Show when={action.error()}>
        <p role="alert" class="error">{action.error()}</p>
      </Show>
      <Show when={offer()}>
        {(o) => <MergeOffer offer={o()} busy={!!action.busy()} merge={merge} cancel={() => setOffer(undefined)} />}
      </Show>
      <Show when={merged()}>{(m) => <MergeReport outcome={m()} />}</Show>
      <Show when={action.busy() === 'clone' && Object.values(s.progress).find((p) => p.kind === 'clone' && p.phase === 'running')}>
        {(p) => (
          <div class="card" aria-live="polite">
            <p>{p().text}</p>
            <ProgressBar fraction={p().fraction} label="clone progress" />
          </div>
        )}
      </Show>

      <AddRepo hub={props.hub} busy={!!action.busy()} clone={clone} create={create} importFiles={(files) => void importFiles(files)} />

      <Show when={storage()}>{(st) => <StorageNote storage={st()} />}</Show>
    </main>
  );
}
