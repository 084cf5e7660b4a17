/**
 * One repository: its sync panel and timeline, and the actions on it (share, download as
 * `.fossil`, put on a hub, delete: with a warning when writes made here have not synced yet),
 * plus a small note form to make a check-in from here.
 */
import { createSignal, For, Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { HubInfo } from './hub-info.ts';
import { SyncPanel } from './SyncPanel.tsx';
import { Timeline } from './Timeline.tsx';
import { ShareDialog } from './ShareDialog.tsx';
import { count, formatBytes } from './format.ts';
import { go, repoHash } from './route.ts';
import { ChatBanner } from './chat/ChatBanner.tsx';
import { useApi, usePeer } from './context.tsx';
import { createAction } from './actions.ts';
import './chat/register.ts';
import { repoBanners, repoSections } from './repo-sections.tsx';
import './write/index.ts';
import './records/index.ts';
import { AuthorField } from './write/gate.tsx';
import { authorOr, rememberAuthorFrom } from './write/common.ts';
import { errorText } from './error-text.ts';
import type { UnsyncedWork } from '../peer/api-types.ts';
import { DeleteWarning } from './DeleteWarning.tsx';
import { askToPersist } from './persistence.ts';
import { PageTitle } from './shell/PageTitle.tsx';
import { RepoNav } from './shell/RepoNav.tsx';

export interface RepoViewProps {
  name: string;
  section: string;
  args: string[];
  query: URLSearchParams;
  hub: HubInfo | undefined;
}

export function RepoView(props: RepoViewProps) {
  const api = useApi();
  const peer = usePeer();
  const repo = () => peer.state.repos.find((r) => r.name === props.name);
  const section = () => repoSections.find((s) => s.id === props.section);
  const [sharing, setSharing] = createSignal(false);
  // Kept here, not in the element: the form is drawn again when the repository's state changes
  // (a sync, who you are), and an open form must stay open.
  const [noteOpen, setNoteOpen] = createSignal(false);
  const action = createAction(errorText);
  const [unsynced, setUnsynced] = createSignal<UnsyncedWork>();

  async function download() {
    await action.run(async () => {
      const bytes = await api.repos.exportFile(props.name);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/x-sqlite3' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${props.name}.fossil`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  }

  /** The repository as a `git fast-import` stream (`git fast-import < NAME.fast-import` in a new Git repository). */
  async function downloadGit() {
    await action.run(async () => {
      const blob = await api.repos.exportGit(props.name);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${props.name}.fast-import`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  }

  /** Delete: with writes no hub or peer has yet, the warning asks (DeleteWarning); else a plain confirm. */
  async function remove() {
    const work = await action.run(() => api.repos.unsynced(props.name));
    if (!work) return;
    if (work.total > 0) {
      setUnsynced(work);
      return;
    }
    if (!confirm(`Delete “${props.name}” from this browser? Copies elsewhere are not touched.`)) return;
    await removeNow();
  }

  async function removeNow() {
    setUnsynced(undefined);
    await action.run(async () => {
      await api.repos.remove(props.name);
      go('#/');
    });
  }

  async function note(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    void askToPersist();
    await action.run(async () => {
      rememberAuthorFrom(f);
      await api.repos.commit(props.name, [{ name: String(f.get('file')), text: String(f.get('text')) }], String(f.get('comment') || 'edit'), authorOr('me'));
      form.reset();
    });
  }

  return (
    <Show when={repo()} fallback={<main class="page"><PageTitle repo={props.name}>Not here</PageTitle><p>{peer.state.ready ? `There is no repository “${props.name}” here.` : 'Opening…'}</p><a href="#/">All repositories</a></main>}>
      {(r) => (
        <main class="page">
          <div class="repo-head">
            <div>
              {/* The overview's heading is the repository's name; every other page has its own. */}
              <Show when={props.section === ''} fallback={<a class="repo-title" href={repoHash(props.name)} data-testid="repo-title">{r().name}</a>}>
                <PageTitle class="repo-title" repo={props.name} text="Overview" testid="repo-title">{r().name}</PageTitle>
              </Show>
              <p class="muted small repo-meta-line">
                {r().projectName} · {count(r().checkins, 'check-in')} · {formatBytes(r().bytes)} · <code title={r().projectCode}>{r().projectCode.slice(0, 12)}</code>
              </p>
            </div>
            <div class="actions">
              <button type="button" onClick={() => setSharing(true)}>Share</button>
              <button type="button" class="secondary" onClick={() => void download()} data-testid="download">Download<span class="wide-only"> .fossil</span></button>
              <button type="button" class="secondary" onClick={() => void downloadGit()} data-testid="download-git" title="For git fast-import: every check-in a commit, with its branches and tags">Download<span class="wide-only"> for Git</span></button>
              <button type="button" class="danger" onClick={() => void remove()}>Delete</button>
            </div>
          </div>
          <Show when={action.error()}><p role="alert" class="error">{action.error()}</p></Show>
          <ChatBanner name={props.name} section={props.section} />
          <For each={repoBanners}>{(B) => <Dynamic component={B} name={props.name} />}</For>
          <RepoNav name={props.name} section={props.section} />
          <Show when={props.section !== ''}>
            <Show when={section()} fallback={<p class="muted">There is no page “{props.section}” here. <a href={repoHash(props.name)}>Back to the overview</a></p>}>
              {(s) => <Dynamic component={s().component} name={props.name} args={props.args} query={props.query} />}
            </Show>
          </Show>
          <Show when={props.section === ''}>
          <div class="repo-grid">
            <SyncPanel repo={r()} defaultHub={props.hub?.ws} />
            <Timeline name={props.name} />
            <Show when={r().identity.canWrite}>
              <details class="card" open={noteOpen()} onToggle={(e) => setNoteOpen(e.currentTarget.open)}>
                <summary>Write a note (a check-in of one text file)</summary>
                <form onSubmit={note} class="note-form">
                  <label>File<input name="file" required value="NOTES.txt" /></label>
                  <label>Text<textarea name="text" rows="3" required /></label>
                  <label>Comment<input name="comment" required /></label>
                  <AuthorField name={props.name} />
                  <button type="submit">Commit</button>
                </form>
              </details>
            </Show>
          </div>
          </Show>
          <Show when={unsynced()}>
            {(w) => <DeleteWarning name={props.name} work={w()} keep={() => setUnsynced(undefined)} download={() => void download()} remove={() => void removeNow()} />}
          </Show>
          <Show when={sharing()}>
            <ShareDialog name={props.name} identity={repo()!.identity} onClose={() => setSharing(false)} />
          </Show>
        </main>
      )}
    </Show>
  );
}
