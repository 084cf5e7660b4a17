/**
 * Share: a link that, opened in any browser, clones this repository from its hub and lands in
 * it. With "include credentials" it is an invite carrying the hub login this browser uses.
 */
import { createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../../workers/repo-worker.ts';
import { shareLink } from '../peer/share-link.ts';

export function ShareDialog(props: { api: Remote<WorkerApi>; name: string; onClose: () => void }) {
  const [withAuth, setWithAuth] = createSignal(false);
  const [copied, setCopied] = createSignal(false);
  const [info] = createResource(() => props.name, (n) => props.api.hubOf(n));
  const link = () => {
    const i = info();
    if (!i?.hub) return undefined;
    return shareLink(location.href, { hub: i.hub, projectCode: i.projectCode, name: props.name, auth: withAuth() ? i.auth : undefined });
  };
  let input: HTMLInputElement | undefined;
  let closeButton!: HTMLButtonElement;
  // Escape closes from anywhere; focus starts inside the dialog and goes back where it was.
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
  onMount(() => {
    document.addEventListener('keydown', onKey);
    queueMicrotask(() => (input ?? closeButton).focus());
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    before?.focus?.();
  });

  async function copy() {
    input?.select();
    try {
      await navigator.clipboard.writeText(link() ?? '');
      setCopied(true);
    } catch {
      // Clipboard refused (no permission): the text is selected for a manual copy.
    }
  }

  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="share-h">
        <h2 id="share-h">Share “{props.name}”</h2>
        <Show when={link()} fallback={<p>Put this repository on a hub first; then anyone who can reach the hub can clone it with a link.</p>}>
          <p class="muted small">Opened in any browser that reaches the hub, this link clones the repository and opens it.</p>
          <input ref={input} readonly value={link()} data-testid="share-link" aria-label="share link" onFocus={(e) => e.currentTarget.select()} />
          <Show when={info()?.auth}>
            <label class="check"><input type="checkbox" checked={withAuth()} onChange={(e) => setWithAuth(e.currentTarget.checked)} /> Invite: include the hub credentials</label>
          </Show>
        </Show>
        <div class="row">
          <Show when={link()}><button type="button" onClick={() => void copy()}>{copied() ? 'Copied' : 'Copy link'}</button></Show>
          <button type="button" class="secondary" ref={closeButton} onClick={() => props.onClose()}>Close</button>
        </div>
      </div>
    </div>
  );
}
