/** The list of keyboard shortcuts (`?`), as a modal dialog. */
import { For, onMount, Show } from 'solid-js';
import { helpOpen, setHelpOpen, SHORTCUTS } from './shortcuts.ts';

export function ShortcutHelp() {
  return (
    <Show when={helpOpen()}>
      <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && setHelpOpen(false)}>
        <HelpCard />
      </div>
    </Show>
  );
}

function HelpCard() {
  let close: HTMLButtonElement | undefined;
  onMount(() => close?.focus());
  return (
    <section class="card dialog" role="dialog" aria-modal="true" aria-labelledby="keys-h" data-testid="shortcut-help">
      <h2 id="keys-h">Keyboard shortcuts</h2>
      <dl class="facts keys">
        <For each={SHORTCUTS}>{([k, what]) => <><dt><kbd>{k}</kbd></dt><dd>{what}</dd></>}</For>
      </dl>
      <p class="muted small">Not while typing in a field.</p>
      <button type="button" ref={close} onClick={() => setHelpOpen(false)}>Close</button>
    </section>
  );
}
