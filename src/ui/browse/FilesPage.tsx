/**
 * Files: the tree of any check-in or branch tip (a directory at a time, or every file), one
 * file at a version (highlighted, image, raw download, annotate), a file by hash, and a file's
 * history (every check-in that changed it, as `fossil finfo`).
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { BranchLink, formatSize, HashLink, Loaded, When } from './common.tsx';
import { Comment } from './Comment.tsx';
import { DownloadLink, FileBody } from './FileBody.tsx';
import { DirReadme } from './DocPage.tsx';
import { useApi } from '../context.tsx';
import { count } from '../format.ts';
import { PageTitle } from '../shell/PageTitle.tsx';

function Crumbs(props: { repo: string; checkin: string; path: string[]; file?: boolean }) {
  return (
    <nav class="crumbs" aria-label="Path">
      <a href={repoHash(props.repo, 'files', props.checkin)}>root</a>
      <For each={props.path}>
        {(p, i) => <>{' / '}{props.file && i() === props.path.length - 1 ? <strong>{p}</strong> : <a href={repoHash(props.repo, 'files', props.checkin, ...props.path.slice(0, i() + 1))}>{p}</a>}</>}
      </For>
    </nav>
  );
}

export function FilesPage(props: SectionProps) {
  const browse = useApi().browse;
  const ref = () => props.args[0] || 'tip';
  const dir = () => props.args.slice(1).filter(Boolean);
  const flat = () => props.query.get('flat') === '1';
  // Sizes for the folder on screen only (each is a lookup that may read browser storage).
  const [tree] = createResource(() => ({ n: props.name, ref: ref(), dir: dir().join('/'), flat: flat() }), (k) => browse.tree(k.n, k.ref, { dir: k.dir, flat: k.flat }));
  const [wantBranches, setWantBranches] = createSignal(false);
  const [branches] = createResource(() => (wantBranches() ? props.name : false), (n) => browse.branchList(n, 0));
  const listing = createMemo(() => {
    const t = tree.latest;
    if (!t) return { dirs: [] as string[], files: [] as typeof t extends undefined ? never : NonNullable<typeof t>['files'] };
    const prefix = dir().length ? `${dir().join('/')}/` : '';
    const dirs = new Set<string>();
    const files = [];
    for (const f of t.files) {
      if (!f.name.startsWith(prefix)) continue;
      const rest = f.name.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0 && !flat()) dirs.add(rest.slice(0, slash));
      else files.push(f);
    }
    return { dirs: [...dirs].sort(), files };
  });
  return (
    <Loaded data={tree}>
      {(t) => (
        <section class="card browse" data-testid="files" data-checkin={t.checkin}>
          <div class="row">
            <PageTitle repo={props.name} text={`Files of ${t.checkin.slice(0, 12)}`}>Files of <a href={repoHash(props.name, 'checkin', t.checkin)}><code>{t.checkin.slice(0, 12)}</code></a></PageTitle>
            <label class="inline">Branch tip
              <select onFocus={() => setWantBranches(true)} onPointerDown={() => setWantBranches(true)} onChange={(e) => go(repoHash(props.name, 'files', e.currentTarget.value))}>
                <option value={t.checkin}>this check-in</option>
                <For each={branches.latest ?? []}>{(b) => <option value={b.name} selected={b.name === ref()}>{b.name}</option>}</For>
              </select>
            </label>
          </div>
          <p class="small muted"><When iso={t.time} /> · <BranchLink repo={props.name} branch={t.branch} /> · <Comment repo={props.name} text={t.comment} /></p>
          <div class="row">
            <Crumbs repo={props.name} checkin={ref()} path={dir()} />
            <a class="small" href={`${repoHash(props.name, 'files', ref(), ...dir())}${flat() ? '' : '?flat=1'}`}>{flat() ? 'Show folders' : 'All files, flat'}</a>
          </div>
          <table class="files-table" data-testid="file-list">
            <tbody>
              <For each={listing().dirs}>
                {(d) => <tr class="dir"><td><a href={repoHash(props.name, 'files', ref(), ...dir(), d)}><span class="folder-icon" aria-hidden="true" />{d}/</a></td><td /></tr>}
              </For>
              <For each={listing().files}>
                {(f) => {
                  const shown = () => (flat() ? f.name.slice(dir().length ? dir().join('/').length + 1 : 0) : f.name.split('/').pop()!);
                  return (
                    <tr class="file" data-name={f.name}>
                      <td><a href={repoHash(props.name, 'file', t.checkin, ...f.name.split('/'))}>{shown()}</a>{f.perm === 'x' ? <span class="muted small"> (executable)</span> : f.perm === 'l' ? <span class="muted small"> (symlink)</span> : null}</td>
                      <td class="num small muted">{f.size === undefined ? '' : formatSize(f.size)}</td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
          <p class="small muted">{count(t.files.length, 'file')} in this check-in.</p>
          <Show when={!flat()}><DirReadme repo={props.name} ckout={t.checkin} dir={dir()} names={listing().files.map((f) => f.name.split('/').pop()!)} /></Show>
        </section>
      )}
    </Loaded>
  );
}

export function FilePage(props: SectionProps) {
  const browse = useApi().browse;
  const ref = () => props.args[0] || 'tip';
  const path = () => props.args.slice(1).join('/');
  const annotating = () => props.query.get('annotate') === '1';
  const [file] = createResource(() => ({ n: props.name, ref: ref(), path: path() }), (k) => browse.fileAt(k.n, k.ref, k.path));
  const [blame] = createResource(() => (annotating() ? { n: props.name, ref: ref(), path: path() } : false), (k) => browse.annotate(k.n, k.ref, k.path));
  return (
    <Loaded data={file}>
      {(f) => (
        <section class="card browse" data-testid="file-view" data-uuid={f.uuid}>
          <PageTitle repo={props.name} class="file-title" text={path()}><code>{path().split('/').pop()}</code></PageTitle>
          <Crumbs repo={props.name} checkin={f.checkin ?? ref()} path={path().split('/')} file />
          <p class="small muted">
            Artifact <HashLink repo={props.name} uuid={f.uuid} len={16} /> · {formatSize(f.size)} · in check-in <a href={repoHash(props.name, 'checkin', f.checkin!)}><code>{f.checkin!.slice(0, 12)}</code></a>
          </p>
          <div class="actions">
            <DownloadLink file={f} name={path()} />
            <a class="button-link" href={repoHash(props.name, 'finfo', ...path().split('/'))}>History</a>
            <Show when={f.text}>
              <a class="button-link" href={`${repoHash(props.name, 'file', ref(), ...path().split('/'))}${annotating() ? '' : '?annotate=1'}`}>{annotating() ? 'Plain view' : 'Annotate'}</a>
            </Show>
          </div>
          <Show when={annotating()} fallback={<FileBody file={f} name={path()} />}>
            <Loaded data={blame}>
              {(lines) => (
                <table class="annotate" data-testid="annotate">
                  <tbody>
                    <For each={lines}>
                      {(l, i) => (
                        <tr>
                          <td class="ann small"><a href={repoHash(props.name, 'checkin', l.checkin)}><code>{l.checkin.slice(0, 10)}</code></a> <span class="muted">{l.time.slice(0, 10)} {l.user}</span></td>
                          <td class="ln">{i() + 1}</td>
                          <td class="code">{l.text}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              )}
            </Loaded>
          </Show>
        </section>
      )}
    </Loaded>
  );
}

/** An artifact by hash: a file's content (or any artifact's text). */
export function ArtifactPage(props: SectionProps) {
  const browse = useApi().browse;
  const [file] = createResource(() => ({ n: props.name, h: props.args[0] ?? '' }), (k) => browse.artifact(k.n, k.h));
  return (
    <Loaded data={file}>
      {(f) => (
        <section class="card browse" data-testid="artifact-view" data-uuid={f.uuid}>
          <PageTitle repo={props.name}>Artifact <code>{f.uuid.slice(0, 16)}</code></PageTitle>
          <p class="small muted">{formatSize(f.size)}</p>
          <div class="actions"><DownloadLink file={f} name={props.args[1] ?? f.uuid} /></div>
          <FileBody file={f} name={props.args[1] ?? 'artifact.txt'} />
        </section>
      )}
    </Loaded>
  );
}

/** Changes of a file shown at first, and added by each "Older changes" (a long-lived file has thousands). */
const HISTORY_PAGE = 50;

export function FileHistoryPage(props: SectionProps) {
  const browse = useApi().browse;
  const path = () => props.args.join('/');
  // The newest changes first, as the timeline pages: one page more for each "Older changes"; another file starts again at one page.
  const fileKey = () => `${props.name}\n${path()}`;
  const [wanted, setWanted] = createSignal({ key: '', count: HISTORY_PAGE });
  const count = () => (wanted().key === fileKey() ? wanted().count : HISTORY_PAGE);
  const [hist] = createResource(() => ({ n: props.name, p: path(), limit: count() }), (k) => browse.historyPage(k.n, k.p, { limit: k.limit }));
  const loadingMore = () => hist.loading && count() > (hist.latest?.versions.length ?? 0);
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>History of <code>{path()}</code></PageTitle>
      <Loaded data={hist}>
        {(h) => (
          <Show when={h.versions.length} fallback={<p class="muted">No check-in changed this file.</p>}>
            <p class="small muted" data-testid="file-history-count">
              {h.total} change{h.total === 1 ? '' : 's'}{h.more ? `, the newest ${h.versions.length} shown` : ''}
            </p>
            <ol class="tl history" data-testid="file-history">
              <For each={h.versions}>
                {(v) => (
                  <li class="tl-row" data-checkin={v.checkin} data-uuid={v.uuid}>
                    <span class="tl-time small muted">{v.time.slice(0, 10)}</span>
                    <div class="tl-body">
                      <a href={repoHash(props.name, 'checkin', v.checkin)}><code>{v.checkin.slice(0, 10)}</code></a>{' '}
                      <Comment repo={props.name} text={v.comment} />
                      <div class="small muted">
                        {v.user} · <BranchLink repo={props.name} branch={v.branch} /> · file <a href={repoHash(props.name, 'file', v.checkin, ...path().split('/'))}><code>{v.uuid.slice(0, 10)}</code></a>
                        <Show when={v.renamedFrom}> · renamed from {v.renamedFrom}</Show>
                      </div>
                    </div>
                  </li>
                )}
              </For>
            </ol>
            <Show when={h.more}>
              <button type="button" class="secondary load-more" data-testid="file-history-more" disabled={loadingMore()}
                onClick={() => setWanted({ key: fileKey(), count: count() + HISTORY_PAGE })}>
                {loadingMore() ? 'Loading…' : 'Older changes'}
              </button>
            </Show>
          </Show>
        )}
      </Loaded>
    </section>
  );
}
