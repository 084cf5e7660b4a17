/**
 * Ticket reports (fossil's /reportlist and /rptview): the repository's reports, and one run as a
 * table. A column named `bgcolor` colours its row (only when it is a colour), `#` links to the
 * ticket, and columns from the first whose name starts with `_` show as a full-width text under
 * the row, as fossil shows them. The SQL runs read-only under fossil's rules
 * (src/repo/queries/reports.ts); a report that breaks them says why instead of a table.
 */
import { createResource, For, Show } from 'solid-js';
import type { ReportResult } from '../../peer/record-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { useApi, usePeer } from '../context.tsx';
import { Loaded, safeColor } from '../browse/common.tsx';
import { SaveBytes } from './Attachments.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function ReportsPage(props: SectionProps) {
  const api = useApi();
  const [list] = createResource(() => props.name, (n) => api.records.reports(n));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Ticket reports</PageTitle>
      <Loaded data={list}>
        {(rows) => (
          <Show when={rows.length} fallback={<p class="muted">This repository has no ticket reports.</p>}>
            <ul class="plain link-list" data-testid="report-list">
              <For each={rows}>{(r) => <li data-rn={r.rn}><a href={repoHash(props.name, 'report', String(r.rn))}>{r.title}</a> <Show when={r.owner}><span class="muted small">by {r.owner}</span></Show></li>}</For>
            </ul>
          </Show>
        )}
      </Loaded>
    </section>
  );
}

/** The report as `fossil ticket show` prints it (tab-separated), to download. */
function asTsv(r: ReportResult): Uint8Array {
  const cell = (v: string | null) => (v ?? '').replace(/[\t\n\v\f\r]/g, ' ');
  return new TextEncoder().encode([r.columns, ...r.rows].map((row) => `${row.map(cell).join('\t')}\n`).join(''));
}

export function ReportPage(props: SectionProps) {
  const api = useApi();
  const peer = usePeer();
  const rn = () => Number(props.args[0] ?? '1');
  const [result] = createResource(() => ({ n: props.name, rn: rn(), v: peer.state.changes[props.name] ?? 0 }), (k) => api.records.report(k.n, k.rn));
  return (
    <section class="card browse" data-testid="report">
      <Loaded data={result}>
        {(r) => {
          const bg = r.columns.indexOf('bgcolor');
          const wide = r.columns.findIndex((c) => c.startsWith('_'));
          const shown = r.columns.map((c, i) => ({ c, i })).filter(({ i }) => i !== bg && (wide < 0 || i < wide));
          const below = wide < 0 ? [] : r.columns.map((c, i) => ({ c, i })).filter(({ i }) => i >= wide && i !== bg);
          return (
            <>
              <div class="row">
                <PageTitle repo={props.name} testid="report-title">{r.title}</PageTitle>
                <SaveBytes bytes={asTsv(r)} filename={`report-${r.rn}.tsv`} testid="report-download" />
              </div>
              <Show when={r.key.length}>
                <p class="small report-key">
                  <For each={r.key}>{(k) => <span class="chip" style={{ background: safeColor(k.color) ?? 'transparent' }}>{k.label}</span>}</For>
                </p>
              </Show>
              <div class="table-scroll">
                <table class="grid-table" data-testid="report-table">
                  <thead><tr><For each={shown}>{({ c }) => <th>{c}</th>}</For></tr></thead>
                  <tbody>
                    <For each={r.rows} fallback={<tr><td colSpan={shown.length || 1}><i>No records match the report criteria</i></td></tr>}>
                      {(row) => (
                        <>
                          <tr style={{ background: (bg >= 0 ? safeColor(row[bg]) : undefined) ?? 'transparent' }}>
                            <For each={shown}>
                              {({ c, i }) => (
                                <td>{c.startsWith('#') && row[i] ? <a href={repoHash(props.name, 'ticket', row[i]!)}>{row[i]}</a> : row[i] ?? ''}</td>
                              )}
                            </For>
                          </tr>
                          <For each={below.filter(({ i }) => row[i])}>
                            {({ i }) => <tr><td colSpan={shown.length} class="report-wide">{row[i]}</td></tr>}
                          </For>
                        </>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <p class="small muted">{r.rows.length} row{r.rows.length === 1 ? '' : 's'} · <a href={repoHash(props.name, 'reports')}>All reports</a></p>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
