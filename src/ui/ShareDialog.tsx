/**
 * Share: a read link, or a write invite, that opened in any browser clones this repository from
 * its hub and lands in it. Each is made by the hub for the person it is for (a member of its own,
 * which the hub's operator can revoke alone); someone with read access passes on its read link.
 */
import { createResource, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { shareLink } from '../peer/share-link.ts';
import type { Identity } from '../peer/access.ts';
import { createAction } from './actions.ts';
import { useApi } from './context.tsx';
import { errorText } from './error-text.ts';

export function ShareDialog(props: { name: string; identity: Identity; onClose: () => void }) {
  const api = useApi();
  const [copied, setCopied] = createSignal(false);
  const [link, setLink] = createSignal<string>();
  const [kind, setKind] = createSignal<'read' | 'write'>();
  const action = createAction(errorText);
  const [info] = createResource(() => props.name, (n) => api.hub.info(n));
  let input: HTMLInputElement | undefined;
  let forWhom: HTMLInputElement | undefined;
  let closeButton!: HTMLButtonElement;
  // Escape closes from anywhere; focus starts inside the dialog and goes back where it was.
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
  onMount(() => {
    document.addEventListener('keydown', onKey);
    queueMicrotask(() => (forWhom ?? closeButton).focus());
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    before?.focus?.();
  });

  async function make(role: 'reader' | 'writer') {
    setCopied(false);
    await action.run(async () => {
      const t = await api.hub.invite(props.name, role, forWhom?.value.trim() || undefined);
      setLink(shareLink(location.href, t));
      setKind(role === 'reader' ? 'read' : 'write');
      queueMicrotask(() => input?.select());
    }, 'invite');
  }

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
        <Show when={info()?.hub} fallback={<p>Put this repository on a hub first; then you can give others a link to it.</p>}>
          <p class="muted small">Opened in any browser that reaches the hub, the link clones the repository and opens it.</p>
          <label>For<input ref={forWhom} placeholder="who it is for (optional)" data-testid="invite-for" /></label>
          <div class="row">
            <button type="button" disabled={!!action.busy()} onClick={() => void make('reader')} data-testid="make-read-link">Read link</button>
            <Show when={props.identity.canWrite}>
              <button type="button" disabled={!!action.busy()} onClick={() => void make('writer')} data-testid="make-write-invite">Invite to write</button>
            </Show>
          </div>
          <Show when={link()}>
            <p class="small">{kind() === 'write' ? 'Write invite: whoever opens it can read and write here, as a login of their own.' : 'Read link: whoever opens it can read and sync, not write.'}</p>
            <input ref={input} readonly value={link()} data-testid="share-link" aria-label="share link" onFocus={(e) => e.currentTarget.select()} />
          </Show>
          <Show when={action.error()}><p class="error" role="alert">{action.error()}</p></Show>
        </Show>
        <div class="row">
          <Show when={link()}><button type="button" onClick={() => void copy()}>{copied() ? 'Copied' : 'Copy link'}</button></Show>
          <button type="button" class="secondary" ref={closeButton} onClick={() => props.onClose()}>Close</button>
        </div>
      </div>
    </div>
  );
}
