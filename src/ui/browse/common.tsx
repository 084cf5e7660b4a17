/** Small pieces every reading page uses: loading and error states, times, hashes, branch colours. */
import { Match, Switch, type JSX, type Resource } from 'solid-js';
import { usePeer } from '../context.tsx';
import { dateTime } from '../format.ts';
import { repoHash } from '../route.ts';
import { errorText } from '../error-text.ts';

/** Shows `children` once the resource has a value; its error in plain words; "Loading…" before. */
export function Loaded<T>(props: { data: Resource<T>; children: (v: T) => JSX.Element }) {
  return (
    <div class="loaded" aria-busy={props.data.loading}>
    <Switch fallback={<p class="muted">Loading…</p>}>
      <Match when={props.data.error as unknown}>
        <p role="alert" class="error" data-testid="browse-error">{errorText(props.data.error)}</p>
      </Match>
      <Match when={props.data.latest !== undefined}>{props.children(props.data.latest as T)}</Match>
    </Switch>
    </div>
  );
}

export function When(props: { iso: string }) {
  return <time datetime={props.iso}>{dateTime(props.iso)}</time>;
}

/** Whether this browser may write in the repository (its Edit links show then; the write pages say why not). */
export function useCanWrite(name: () => string): () => boolean {
  const peer = usePeer();
  return () => peer.state.repos.find((r) => r.name === name())?.identity.canWrite !== false;
}

/** A short hash linking to the artifact's page. */
export function HashLink(props: { repo: string; uuid: string; len?: number }) {
  return <a href={repoHash(props.repo, 'info', props.uuid)} class="hash" title={props.uuid}><code>{props.uuid.slice(0, props.len ?? 10)}</code></a>;
}

/** A stable colour per branch name (fossil picks one by hashing the name too). */
/**
 * A colour from a repository (a bgcolor tag), when it is one: a name, #hex, rgb() or hsl().
 * Anything else (a url() that would make the browser fetch, an expression) never reaches CSS.
 */
export function safeColor(value: string | null | undefined): string | undefined {
  const s = value?.trim();
  if (!s) return undefined;
  if (/^#[0-9a-f]{3,8}$/i.test(s) || /^[a-z]{3,30}$/i.test(s) || /^(rgb|hsl)a?\(\s*[-\d.%\s,/]+\)$/i.test(s)) return s;
  return undefined;
}

export function branchColor(name: string | null | undefined): string {
  if (!name) return 'hsl(0 0% 60%)';
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return name === 'trunk' ? 'hsl(210 55% 45%)' : `hsl(${h % 360} 55% 45%)`;
}

export function BranchLink(props: { repo: string; branch: string | null }) {
  return props.branch
    ? <a class="branch-chip" style={{ '--bc': branchColor(props.branch) }} href={`${repoHash(props.repo, 'timeline')}?b=${encodeURIComponent(props.branch)}`}>{props.branch}</a>
    : <span class="muted">no branch</span>;
}

export function formatSize(n: number): string {
  return n < 0 ? 'missing' : n < 10_000 ? `${n} B` : n < 10_000_000 ? `${Math.round(n / 1024)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** A query string from the defined, non-empty entries of o. */
export function queryString(o: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
