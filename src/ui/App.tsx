/**
 * The first face of the browser peer: a repository made in this tab by the same core the CLI
 * uses, its timeline, and a form to commit a file. Everything goes through the worker.
 */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../../workers/repo-worker.ts';
import './app.css';

const REPO = 'scratch';

export function App(props: { api: Remote<WorkerApi> }) {
  const [version, setVersion] = createSignal(0);
  const [error, setError] = createSignal<string>();
  const [projectCode] = createResource(() => props.api.create(REPO, { projectName: 'Scratch', user: 'me' }));
  const [events] = createResource(() => (projectCode() ? version() + 1 : false), () => props.api.timeline(REPO));
  const [stats] = createResource(() => (projectCode() ? version() + 1 : false), () => props.api.stats(REPO));
  let nameInput!: HTMLInputElement;
  let textInput!: HTMLTextAreaElement;
  let commentInput!: HTMLInputElement;

  async function commit(e: SubmitEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await props.api.commit(REPO, [{ name: nameInput.value, text: textInput.value }], commentInput.value || 'edit', 'me');
      setVersion(version() + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <main>
      <header>
        <h1>EdgeSync</h1>
        <p class="sub">A Fossil repository in this tab, kept by a worker with SQLite-WASM.</p>
      </header>
      <Show when={projectCode()} fallback={<p>Starting…</p>}>
        <section class="card">
          <h2>Repository</h2>
          <p>Project code <code data-testid="project-code">{projectCode()}</code></p>
          <Show when={stats()}>{(s) => <p data-testid="stats">{s().checkins} check-ins, {s().artifacts} artifacts</p>}</Show>
        </section>
        <section class="card">
          <h2>Commit a file</h2>
          <form onSubmit={commit}>
            <label>File name <input ref={nameInput} name="file" value="hello.txt" required /></label>
            <label>Content <textarea ref={textInput} name="content" rows="4">Hello from the browser.</textarea></label>
            <label>Comment <input ref={commentInput} name="comment" value="A check-in made in the browser" /></label>
            <button type="submit">Commit</button>
          </form>
          <Show when={error()}><p class="error" role="alert">{error()}</p></Show>
        </section>
        <section class="card">
          <h2>Timeline</h2>
          <ol class="timeline" data-testid="timeline">
            <For each={events()}>
              {(e) => (
                <li>
                  <span class="when">{e.time.slice(0, 19).replace('T', ' ')}</span>{' '}
                  <code>{e.uuid.slice(0, 10)}</code> <span class="comment">{e.comment}</span>{' '}
                  <span class="who">({e.user}{e.branch ? `, ${e.branch}` : ''})</span>
                </li>
              )}
            </For>
          </ol>
        </section>
      </Show>
    </main>
  );
}
