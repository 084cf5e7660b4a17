/**
 * A new ticket, or a change to an existing one: the usual fields of fossil's default ticket
 * form, and a remark appended to the ticket's history. Each save is one ticket artifact.
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { authorOr, message, short, rememberAuthorFrom } from './common.ts';
import { AuthorField } from './gate.tsx';
import { useApi } from '../context.tsx';
import { createAction } from '../actions.ts';
import { PageTitle } from '../shell/PageTitle.tsx';

const CHOICES: Record<string, string[]> = {
  type: ['Code_Defect', 'Build_Problem', 'Documentation', 'Feature_Request', 'Incident'],
  status: ['Open', 'Verified', 'Review', 'Deferred', 'Fixed', 'Tested', 'Closed'],
  severity: ['Critical', 'Severe', 'Important', 'Minor', 'Cosmetic'],
  priority: ['Immediate', 'High', 'Medium', 'Low', 'Zero'],
  resolution: ['Open', 'Fixed', 'Rejected', 'Workaround', 'Unable_To_Reproduce', 'Works_As_Designed', 'External_Bug', 'Not_A_Bug', 'Duplicate', 'Overcome_By_Events', 'Drive_By_Patch'],
};
const SELECTS = ['type', 'status', 'severity', 'priority', 'resolution'] as const;
const TEXTS = ['subsystem', 'foundin'] as const;

export function TicketEdit(props: SectionProps) {
  const author = useApi().author;
  const id = () => props.args[0];
  const [fields, setFields] = createSignal<Record<string, string>>({});
  const action = createAction(message);
  const [saved, setSaved] = createSignal<string>();

  createEffect(on(id, async (t) => {
    // A new ticket's page moves to its own address: keep saying it was saved.
    if (t !== saved()) setSaved(undefined);
    if (!t) return setFields({ type: 'Code_Defect', status: 'Open', severity: 'Important', priority: 'Medium', resolution: 'Open' });
    try {
      setFields((await author.ticket(props.name, t)).fields);
    } catch (e) {
      action.setError(message(e));
    }
  }));

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    rememberAuthorFrom(f);
    const before = fields();
    const change: Record<string, string> = {};
    for (const k of ['title', ...SELECTS, ...TEXTS]) {
      const v = String(f.get(k) ?? '');
      if (!id() ? v !== '' : v !== (before[k] ?? '')) change[k] = v;
    }
    const remark = String(f.get('remark') ?? '').trim();
    if (remark) {
      if (id()) change['+icomment'] = remark;
      else change['comment'] = remark;
    }
    if (remark) change['mimetype'] = 'text/x-markdown';
    await action.run(async () => {
      const tid = await author.writeTicket(props.name, { id: id(), fields: change, user: authorOr() });
      setSaved(tid);
      (form.elements.namedItem('remark') as HTMLTextAreaElement).value = '';
      if (!id()) go(repoHash(props.name, 'ticket-edit', tid), true);
      else setFields((await author.ticket(props.name, tid)).fields);
    });
  }

  return (
    <section class="card write-ticket" aria-labelledby="tkt-h">
      <PageTitle repo={props.name} id="tkt-h">{id() ? <>Change ticket <code>{short(id())}</code></> : 'New ticket'}</PageTitle>
      <Show when={action.error()}><p role="alert" class="error" data-testid="write-error">{action.error()}</p></Show>
      <Show when={saved()}>
        <p role="status" class="write-notice" data-testid="write-notice">
          Saved ticket <code data-testid="ticket-id">{saved()}</code>. <a href={repoHash(props.name, 'ticket', saved()!)}>View it</a>
        </p>
      </Show>
      <form onSubmit={(e) => void save(e)}>
        <label>Title<input name="title" required value={fields()['title'] ?? ''} data-testid="ticket-title" /></label>
        <div class="write-fields">
          <For each={SELECTS}>
            {(k) => (
              <label>{k[0]!.toUpperCase() + k.slice(1)}
                <select name={k} data-testid={`ticket-${k}`}>
                  <For each={[...new Set([...(CHOICES[k] ?? []), ...(fields()[k] ? [fields()[k]!] : [])])]}>
                    {(c) => <option value={c} selected={c === fields()[k]}>{c.replace(/_/g, ' ')}</option>}
                  </For>
                </select>
              </label>
            )}
          </For>
          <For each={TEXTS}>
            {(k) => <label>{k === 'foundin' ? 'Found in' : 'Subsystem'}<input name={k} value={fields()[k] ?? ''} /></label>}
          </For>
        </div>
        <label>{id() ? 'Add a remark' : 'Description'}<textarea name="remark" rows="5" data-testid="ticket-remark" /></label>
        <AuthorField name={props.name} />
        <button type="submit" data-testid="ticket-save">{id() ? 'Save changes' : 'Create ticket'}</button>
      </form>
    </section>
  );
}
