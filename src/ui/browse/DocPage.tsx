/**
 * Documents kept in the repository, rendered as fossil's /doc/CKOUT/PATH renders them: Markdown,
 * Fossil wiki, HTML (sanitized) or plain text by the file's extension; other files show as code.
 * Also the README of a folder, below its file list, as fossil's /dir shows it. Rendering goes
 * through render-wiki.ts: nothing from the repository runs, and nothing it names is fetched
 * (images become placeholders, as in wiki pages). Relative links lead to documents beside it.
 */
import { createResource, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { useApi } from '../context.tsx';
import { HashLink, Loaded } from './common.tsx';
import { DownloadLink, FileBody } from './FileBody.tsx';
import type { LinkResolver } from './render-wiki.ts';
import { RepoText } from './RepoText.tsx';
import './read-more.css';
import { PageTitle } from '../shell/PageTitle.tsx';

/** The mimetype fossil renders a document by (mimetype_from_name, for the kinds it renders). */
export function docMimetype(path: string): string | undefined {
  const base = path.split('/').pop()!.toLowerCase();
  const ext = base.includes('.') ? base.split('.').pop()! : '';
  if (ext === 'md' || ext === 'markdown') return 'text/x-markdown';
  if (ext === 'wiki') return 'text/x-fossil-wiki';
  if (ext === 'html' || ext === 'htm') return 'text/html';
  if (ext === 'txt' || ext === '') return 'text/plain';
  return undefined;
}

/** fossil's README names, in the order it picks the first that a folder has. */
const README = ['readme', 'readme.html', 'readme.markdown', 'readme.md', 'readme.txt', 'readme.wiki'];

/** The README a folder shows: the first of fossil's names among its files (names in the folder). */
export function readmeOf(names: string[]): string | undefined {
  return names.filter((n) => README.includes(n.toLowerCase())).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))[0];
}

/** Relative links of a document at DIR in check-in CKOUT lead to the documents beside it. */
function relativeLinks(repo: string, ckout: string, dir: string[]): LinkResolver {
  return (href) => {
    if (/^([a-z][a-z0-9+.-]*:|\/|#|\?)/i.test(href) || /^[0-9a-f]{4,64}$/i.test(href)) return undefined;
    const path = href.split(/[#?]/, 1)[0]!;
    const parts = [...dir];
    for (const p of path.split('/')) {
      if (p === '..') parts.pop();
      else if (p && p !== '.') parts.push(decodeURIComponent(p));
    }
    if (!parts.length) return undefined;
    return { href: repoHash(repo, 'doc', ckout, ...parts), external: false };
  };
}

function Rendered(props: { repo: string; ckout: string; path: string; text: string; mimetype: string; testid: string }) {
  const dir = () => props.path.split('/').slice(0, -1);
  return <RepoText repo={props.repo} text={props.text} mimetype={props.mimetype} testid={props.testid} resolveLink={relativeLinks(props.repo, props.ckout, dir())} />;
}

export function DocPage(props: SectionProps) {
  const browse = useApi().browse;
  const ckout = () => props.args[0] || 'tip';
  const path = () => props.args.slice(1).join('/');
  const [file] = createResource(() => ({ n: props.name, ref: ckout(), path: path() }), (k) => browse.fileAt(k.n, k.ref, k.path));
  return (
    <Loaded data={file}>
      {(f) => (
        <article class="card browse doc-page" data-testid="doc" data-uuid={f.uuid}>
          <PageTitle repo={props.name}>{path().split('/').pop()}</PageTitle>
          <p class="small muted">
            <code>{path()}</code> in check-in <a href={repoHash(props.name, 'checkin', f.checkin!)}><code>{f.checkin!.slice(0, 12)}</code></a> · artifact <HashLink repo={props.name} uuid={f.uuid} /> ·{' '}
            <a href={repoHash(props.name, 'file', ckout(), ...path().split('/'))}>source</a>
          </p>
          <Show when={f.text && docMimetype(path())} fallback={<><div class="actions"><DownloadLink file={f} name={path()} /></div><FileBody file={f} name={path()} /></>}>
            {(mimetype) => <Rendered repo={props.name} ckout={ckout()} path={path()} text={new TextDecoder().decode(f.bytes)} mimetype={mimetype()} testid="doc-body" />}
          </Show>
        </article>
      )}
    </Loaded>
  );
}

/** The README of the folder DIR of check-in CKOUT, given the names of the files right in it. */
export function DirReadme(props: { repo: string; ckout: string; dir: string[]; names: string[] }) {
  const browse = useApi().browse;
  const readme = () => readmeOf(props.names);
  const path = () => [...props.dir, readme()!].join('/');
  const [file] = createResource(() => (readme() ? { n: props.repo, ref: props.ckout, path: path() } : false), (k) => browse.fileAt(k.n, k.ref, k.path));
  return (
    <Show when={readme() ? file.latest : undefined}>
      {(f) => (
        <section class="dir-readme" data-testid="dir-readme" data-name={readme()}>
          <p class="small muted"><a href={repoHash(props.repo, 'doc', props.ckout, ...path().split('/'))}>{readme()}</a></p>
          <Show when={f().text} fallback={<p class="muted">Binary README.</p>}>
            <Rendered repo={props.repo} ckout={props.ckout} path={path()} text={new TextDecoder().decode(f().bytes)} mimetype={docMimetype(path()) ?? 'text/plain'} testid="dir-readme-body" />
          </Show>
        </section>
      )}
    </Show>
  );
}
