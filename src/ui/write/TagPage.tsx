/** Tag a check-in: a symbolic tag (optionally propagating to descendants), as `fossil tag add` does. */
import { createSignal, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { authorOr, message, short, rememberAuthorFrom } from './common.ts';
import { AuthorField } from './gate.tsx';
import { useApi } from '../context.tsx';
import { createAction } from '../actions.ts';
import { PageTitle } from '../shell/PageTitle.tsx';

export function TagPage(props: SectionProps) {
  const author = useApi().author;
  const action = createAction(message);
  const [done, setDone] = createSignal<{ tag: string; checkin: string }>();

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    rememberAuthorFrom(f);
    const tag = String(f.get('tag') ?? '').trim();
    setDone(undefined);
    await action.run(async () => {
      const r = await author.addTag(props.name, { checkin: String(f.get('checkin') ?? ''), tag, user: authorOr(), propagate: f.get('propagate') === 'on' });
      setDone({ tag, checkin: r.checkin });
      (form.elements.namedItem('tag') as HTMLInputElement).value = '';
    });
  }

  return (
    <section class="card write-tag" aria-labelledby="tag-h">
      <PageTitle repo={props.name} id="tag-h">Tag a check-in</PageTitle>
      <Show when={action.error()}><p role="alert" class="error" data-testid="write-error">{action.error()}</p></Show>
      <Show when={done()}>
        {(d) => (
          <p role="status" class="write-notice" data-testid="write-notice">
            Tagged <a href={repoHash(props.name, 'checkin', d().checkin)}><code>{short(d().checkin)}</code></a> with <strong>{d().tag}</strong>.
          </p>
        )}
      </Show>
      <form onSubmit={(e) => void save(e)}>
        <label>Check-in (hash prefix, branch or tag name)<input name="checkin" required value={props.args[0] ?? props.query.get('checkin') ?? ''} autocomplete="off" data-testid="tag-checkin" /></label>
        <label>Tag<input name="tag" required autocomplete="off" placeholder="e.g. release-1.0" data-testid="tag-name" /></label>
        <label class="check"><input type="checkbox" name="propagate" /> Propagate to descendants</label>
        <AuthorField name={props.name} />
        <button type="submit" data-testid="tag-save">Add tag</button>
      </form>
    </section>
  );
}
