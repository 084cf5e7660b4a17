/**
 * The attachments of a wiki page, ticket or technote, and a form to add one. An attachment's
 * bytes never run as this app: they are downloaded (a blob of type application/octet-stream
 * with a `download` name), or shown on the attachment's page through FileBody, the same path
 * the file pages use (text as text, images as an <img>, SVG only as a data: image).
 */
import { createMemo, createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { AttachmentFile } from '../../peer/record-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { useApi, usePeer } from '../context.tsx';
import { createAction } from '../actions.ts';
import { FileBody } from '../browse/FileBody.tsx';
import { formatSize, HashLink, Loaded, When } from '../browse/common.tsx';
import { AuthorField } from '../write/gate.tsx';
import { authorOr, message, rememberAuthorFrom } from '../write/common.ts';
import { mayWrite } from './common.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

/** A link that saves the bytes as a file: never opened as a document of this origin. */
export function SaveBytes(props: { bytes: Uint8Array; filename: string; testid?: string }) {
  const url = createMemo(() => URL.createObjectURL(new Blob([props.bytes as BlobPart], { type: 'application/octet-stream' })));
  onCleanup(() => URL.revokeObjectURL(url()));
  return <a class="button-link" href={url()} download={props.filename} data-testid={props.testid ?? 'attachment-download'}>Download</a>;
}

export function Attachments(props: { repo: string; target: string }) {
  const api = useApi();
  const peer = usePeer();
  const [list, { refetch }] = createResource(
    () => ({ n: props.repo, t: props.target, v: peer.state.changes[props.repo] ?? 0 }),
    (k) => api.records.attachments(k.n, k.t),
  );
  const [file, setFile] = createSignal<File>();
  const action = createAction(message);
  const [added, setAdded] = createSignal<string>();

  async function add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    rememberAuthorFrom(f);
    const chosen = file();
    if (!chosen) return action.setError('Choose a file to attach.');
    await action.run(async () => {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      const a = await api.author.attach(props.repo, { target: props.target, filename: chosen.name, bytes, comment: String(f.get('comment') ?? ''), user: authorOr() });
      setAdded(a.filename);
      setFile(undefined);
      form.reset();
      await refetch();
    }, 'attach');
  }

  return (
    <section class="card browse attachments" aria-labelledby={`att-h-${props.target}`} data-testid="attachments">
      <h2 id={`att-h-${props.target}`}>Attachments</h2>
      <Loaded data={list}>
        {(rows) => (
          <Show when={rows.length} fallback={<p class="muted small">No attachments.</p>}>
            <ul class="plain link-list" data-testid="attachment-list">
              <For each={rows}>
                {(a) => (
                  <li data-filename={a.filename} data-source={a.source}>
                    <a href={repoHash(props.repo, 'attachment', a.uuid)}>{a.filename}</a>{' '}
                    <span class="muted small">{formatSize(a.size)} · {a.user} · <When iso={a.time} /></span>
                    <Show when={a.comment}><div class="small">{a.comment}</div></Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Loaded>
      <Show when={mayWrite(peer, props.repo)}>
        <form class="attach-form" onSubmit={(e) => void add(e)}>
          <Show when={action.error()}><p role="alert" class="error" data-testid="attach-error">{action.error()}</p></Show>
          <Show when={added()}><p role="status" class="write-notice" data-testid="attach-notice">Attached {added()}.</p></Show>
          <div class="write-commit-row">
            <label>Attach a file<input type="file" name="file" onChange={(e) => setFile(e.currentTarget.files?.[0])} data-testid="attach-input" /></label>
            <label>Description<input name="comment" data-testid="attach-comment" /></label>
            <AuthorField name={props.repo} />
          </div>
          <button type="submit" disabled={action.busy() !== undefined} data-testid="attach-save">Attach</button>
        </form>
      </Show>
    </section>
  );
}

/** One attachment: what it is attached to, its bytes shown as the file pages show files, and Download. */
export function AttachmentPage(props: SectionProps) {
  const api = useApi();
  const [att] = createResource(() => ({ n: props.name, u: props.args[0] ?? '' }), (k) => api.records.attachment(k.n, k.u));
  const backTo = (a: AttachmentFile) => a.targetKind === 'wiki' ? repoHash(props.name, 'wiki', a.target)
    : repoHash(props.name, a.targetKind === 'ticket' ? 'ticket' : 'technote', a.target);
  return (
    <Loaded data={att}>
      {(a) => (
        <article class="card browse" data-testid="attachment" data-source={a.source}>
          <div class="row">
            <PageTitle repo={props.name} testid="attachment-name">{a.filename}</PageTitle>
            <SaveBytes bytes={a.bytes} filename={a.filename} />
          </div>
          <p class="small muted">
            Attached to the {a.targetKind === 'wiki' ? 'wiki page' : a.targetKind} <a href={backTo(a)}>{a.targetKind === 'wiki' ? a.target : a.target.slice(0, 10)}</a>
            {' '}by {a.user} · <When iso={a.time} /> · {formatSize(a.size)} · <HashLink repo={props.name} uuid={a.source} />
          </p>
          <Show when={a.comment}><p>{a.comment}</p></Show>
          <FileBody file={{ uuid: a.source, size: a.size, text: a.text, bytes: a.bytes }} name={a.filename} />
        </article>
      )}
    </Loaded>
  );
}
