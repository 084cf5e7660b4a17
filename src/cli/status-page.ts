/** The page `edgesync serve` shows for a GET: what is served, in a few lines. */
import type { Repository } from '../repo/repository.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statusPage(repo: Repository): string {
  const db = repo.db;
  const artifacts = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
  const checkins = db.value<number>("SELECT count(*) FROM event WHERE type='ci'") ?? 0;
  const latest = db.value<string>("SELECT datetime(max(mtime)) FROM event WHERE type='ci'") ?? '-';
  const name = repo.config.projectName ?? 'unnamed project';
  return [
    '<!doctype html>',
    `<title>${esc(name)}</title>`,
    `<h1>${esc(name)}</h1>`,
    '<p>This is an edgesync server. Clone it with <code>fossil clone URL FILE</code> or <code>edgesync clone URL FILE</code>.</p>',
    '<ul>',
    `<li>project code: <code>${esc(repo.config.projectCode ?? '?')}</code></li>`,
    `<li>artifacts: ${artifacts}</li>`,
    `<li>check-ins: ${checkins} (latest ${esc(latest)} UTC)</li>`,
    '</ul>',
    '',
  ].join('\n');
}
