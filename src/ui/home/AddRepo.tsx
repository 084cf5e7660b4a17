/** The three ways to get a repository: clone from a hub, create a new one, import a `.fossil` file. */
import type { HubInfo } from '../hub-info.ts';

export function AddRepo(props: {
  hub: HubInfo | undefined;
  busy: boolean;
  clone: (e: SubmitEvent) => void;
  create: (e: SubmitEvent) => void;
  importFiles: (files: File[]) => void;
}) {
  return (
    <div class="grid">
      <form class="card" onSubmit={(e) => props.clone(e)} aria-labelledby="clone-h">
        <h2 id="clone-h">Clone from a hub</h2>
        <label>Share link or project code
          <input name="source" required placeholder="http://…#/clone?… or 40/64 hex digits" autocomplete="off" />
        </label>
        <label>Hub (for a project code)
          <input name="hub" value={props.hub?.ws ?? ''} placeholder="ws://127.0.0.1:8222" />
        </label>
        <button type="submit" disabled={props.busy}>Clone</button>
      </form>

      <form class="card" onSubmit={(e) => props.create(e)} aria-labelledby="create-h">
        <h2 id="create-h">New repository</h2>
        <label>Name<input name="name" required placeholder="my-project" /></label>
        <label>Your user name<input name="user" placeholder="me" /></label>
        <button type="submit" disabled={props.busy}>Create</button>
      </form>

      <div class="card" aria-labelledby="import-h">
        <h2 id="import-h">Import a .fossil file</h2>
        <p class="muted small">Choose a file, or drop it anywhere on this page.</p>
        <label class="file-button">
          <input type="file" accept=".fossil,application/x-sqlite3,application/octet-stream" data-testid="import-input"
            onChange={(e) => {
              const files = Array.from(e.currentTarget.files ?? []);
              // Cleared, so the same file chosen again is taken again.
              e.currentTarget.value = '';
              props.importFiles(files);
            }} />
          <span>Choose file…</span>
        </label>
      </div>
    </div>
  );
}
