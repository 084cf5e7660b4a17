/** Tickets: the list (status, type, title) and one ticket with its fields and change history. */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { HashLink, Loaded, useCanWrite, When } from './common.tsx';
import { RepoText } from './RepoText.tsx';
import { useApi } from '../context.tsx';
import { Attachments } from '../records/Attachments.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

const SHOWN = ['status', 'type', 'priority', 'severity', 'subsystem', 'foundin', 'resolution'];

export function TicketsPage(props: SectionProps) {
  const browse = useApi().browse;
  const [list] = createResource(() => props.name, (n) => browse.ticketRows(n));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Tickets</PageTitle>
      <p class="small"><a href={repoHash(props.name, 'reports')} data-testid="reports-link">Reports</a></p>
      <Loaded data={list}>
        {(rows) => (
          <Show when={rows.length} fallback={<p class="muted">No tickets.</p>}>
            <div class="table-scroll">
              <table class="grid-table" data-testid="ticket-list">
                <thead><tr><th>Ticket</th><th>Title</th><th>Status</th><th>Type</th><th>Changed</th></tr></thead>
                <tbody>
                  <For each={rows}>
                    {(t) => (
                      <tr data-uuid={t.uuid}>
                        <td><a href={repoHash(props.name, 'ticket', t.uuid)}><code>{t.uuid.slice(0, 10)}</code></a></td>
                        <td>{t.fields.title ?? ''}</td>
                        <td><span class={`status status-${(t.fields.status ?? '').toLowerCase()}`}>{t.fields.status ?? ''}</span></td>
                        <td>{t.fields.type ?? ''}</td>
                        <td class="small muted"><When iso={t.modified} /></td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Loaded>
    </section>
  );
}

export function TicketPage(props: SectionProps) {
  const browse = useApi().browse;
  const [view] = createResource(() => ({ n: props.name, id: props.args[0] ?? '' }), (k) => browse.ticket(k.n, k.id));
  const canWrite = useCanWrite(() => props.name);
  return (
    <Loaded data={view}>
      {(v) => (
        <article class="browse" data-testid="ticket" data-uuid={v.ticket.uuid}>
          <section class="card">
            <div class="row">
              <PageTitle repo={props.name} testid="ticket-title">{v.ticket.fields.title ?? '(no title)'}</PageTitle>
              <Show when={canWrite()}><a class="button-link" href={repoHash(props.name, 'ticket-edit', v.ticket.uuid)} data-testid="edit-link">Edit</a></Show>
            </div>
            <dl class="facts" data-testid="ticket-fields">
              <dt>Ticket</dt><dd><code>{v.ticket.uuid}</code></dd>
              <For each={SHOWN.filter((k) => v.ticket.fields[k])}>{(k) => <><dt>{k}</dt><dd data-field={k}>{v.ticket.fields[k]}</dd></>}</For>
              <dt>Opened</dt><dd><When iso={v.ticket.created} /></dd>
              <dt>Changed</dt><dd><When iso={v.ticket.modified} /></dd>
            </dl>
            <Show when={v.ticket.fields.comment}>
              <h2 class="small muted">Description</h2>
              <RepoText repo={props.name} text={v.ticket.fields.comment!} mimetype="text/x-fossil-wiki" testid="ticket-comment" />
            </Show>
          </section>
          <section class="card">
            <h2>History</h2>
            <ol class="plain" data-testid="ticket-history">
              <For each={v.changes}>
                {(c) => (
                  <li class="ticket-change" data-uuid={c.uuid}>
                    <div class="small muted"><When iso={c.time} /> · {c.user} · <HashLink repo={props.name} uuid={c.uuid} /></div>
                    <ul class="small">
                      <For each={c.fields}>{(f) => <li><strong>{f.name}</strong> {f.append ? 'appended' : 'set to'} <q>{f.value}</q></li>}</For>
                    </ul>
                  </li>
                )}
              </For>
            </ol>
          </section>
          <Attachments repo={props.name} target={v.ticket.uuid} />
        </article>
      )}
    </Loaded>
  );
}
