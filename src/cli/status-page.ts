/**
 * The pages `edgesync serve --http` shows for a GET: a repository's (what is served, in a few
 * lines) and, serving several, the list of them. Facts about a repository (its project code,
 * counts, when it last changed) are shown only when anyone may read it (`nobody`/`anonymous`
 * have the read capability), as fossil shows them only to those who may.
 */
import type { Repository } from '../repo/repository.ts';
import { anonymousRights } from '../sync/capabilities.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statusPage(repo: Repository): string {
  const db = repo.db;
  const open = anonymousRights(db).read;
  const name = open ? (repo.config.projectName ?? 'unnamed project') : 'a Fossil repository';
  const lines = [
    '<!doctype html>',
    `<title>${esc(name)}</title>`,
    `<h1>${esc(name)}</h1>`,
    '<p>This is an edgesync server. Clone it with <code>fossil clone URL FILE</code> or <code>edgesync clone URL FILE</code>.</p>',
  ];
  if (open) {
    const artifacts = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
    const checkins = db.value<number>("SELECT count(*) FROM event WHERE type='ci'") ?? 0;
    const latest = db.value<string>("SELECT datetime(max(mtime)) FROM event WHERE type='ci'") ?? '-';
    lines.push(
      '<ul>',
      `<li>project code: <code>${esc(repo.config.projectCode ?? '?')}</code></li>`,
      `<li>artifacts: ${artifacts}</li>`,
      `<li>check-ins: ${checkins} (latest ${esc(latest)} UTC)</li>`,
      '</ul>',
    );
  } else {
    lines.push('<p>It asks for a login (<code>--user</code> and <code>--password</code>).</p>');
  }
  lines.push('');
  return lines.join('\n');
}

/** The list of repositories served, each a link to its URL (`fossil server --repolist`). */
export function indexPage(names: string[]): string {
  return [
    '<!doctype html>',
    '<title>Repositories</title>',
    '<h1>Repositories</h1>',
    '<ul>',
    ...names.map((n) => `<li><a href="/${encodeURIComponent(n)}">${esc(n)}</a></li>`),
    '</ul>',
    '',
  ].join('\n');
}
