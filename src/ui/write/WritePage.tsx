/** The start of writing beyond files: wiki pages to create or edit, tickets to open or change, tagging. */
import { createResource, createSignal, For } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { dateTime } from '../format.ts';
import { short } from './common.ts';
import { useApi, usePeer } from '../context.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function WritePage(props: SectionProps) {
  const author = useApi().author;
  const peer = usePeer();
  const key = () => ({ n: props.name, v: peer.state.changes[props.name] ?? 0 });
  const [titles] = createResource(key, (k) => author.wikiTitles(k.n));
  const [tickets] = createResource(key, (k) => author.tickets(k.n));
  const [newTitle, setNewTitle] = createSignal('');

  return (
    <>
    <PageTitle repo={props.name}>Write</PageTitle>
    <div class="grid write-hub">
      <section class="card" aria-labelledby="w-wiki">
        <h2 id="w-wiki">Wiki</h2>
        <form class="write-inline" onSubmit={(e) => { e.preventDefault(); if (newTitle().trim()) go(repoHash(props.name, 'wiki-edit', newTitle().trim())); }}>
          <input aria-label="New page title" placeholder="New page title" value={newTitle()} onInput={(e) => setNewTitle(e.currentTarget.value)} data-testid="new-wiki-title" />
          <button type="submit">New page</button>
        </form>
        <ul class="plain write-list" data-testid="wiki-list">
          <For each={titles() ?? []} fallback={<li class="muted">No pages yet.</li>}>
            {(t) => <li><a href={repoHash(props.name, 'wiki-edit', t)}>{t}</a></li>}
          </For>
        </ul>
      </section>
      <section class="card" aria-labelledby="w-tkt">
        <h2 id="w-tkt">Tickets</h2>
        <a class="write-button" href={repoHash(props.name, 'ticket-edit')} data-testid="new-ticket">New ticket</a>
        <ul class="plain write-list" data-testid="ticket-list">
          <For each={tickets() ?? []} fallback={<li class="muted">No tickets yet.</li>}>
            {(t) => (
              <li>
                <a href={repoHash(props.name, 'ticket-edit', t.id)}>{t.title || short(t.id)}</a>
                <div class="muted small">{t.status} · {t.type.replace(/_/g, ' ')} · {dateTime(t.time)}</div>
              </li>
            )}
          </For>
        </ul>
      </section>
      <section class="card" aria-labelledby="w-tag">
        <h2 id="w-tag">Tags</h2>
        <p class="muted small">Put a tag on a check-in, like <code>fossil tag add</code>.</p>
        <a class="write-button" href={repoHash(props.name, 'tag-add')}>Tag a check-in</a>
      </section>
    </div>
    </>
  );
}
