/**
 * A repository's page tabs: the main pages (sections with a `main` place) as tabs, every other
 * page in a "More" menu, so the bar is one line on a desktop and never scrolls sideways on a
 * phone. On a narrow screen only the first few tabs stay in the bar (CSS: `.tab-rest`); the
 * others are then in the menu too (`.more-narrow`).
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { repoSections, type RepoSection } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';

/** How many tabs, the overview included, a phone keeps in the bar. */
const NARROW_TABS = 3;

export function RepoNav(props: { name: string; section: string }) {
  const navs = () => repoSections.filter((s) => s.nav);
  const tabs = () => navs().filter((s) => s.main !== undefined).sort((a, b) => a.main! - b.main!);
  const rest = () => navs().filter((s) => s.main === undefined);
  const [open, setOpen] = createSignal(false);
  // A page picked from the menu closes it.
  createEffect(on(() => props.section, () => setOpen(false), { defer: true }));
  const current = (id: string) => (props.section === id ? 'page' : undefined);
  const inMenu = () => rest().some((s) => s.id === props.section);
  const link = (s: RepoSection) => <a href={repoHash(props.name, s.id)} aria-current={current(s.id)}>{s.nav}</a>;
  return (
    <nav class="repo-tabs" aria-label="Repository pages" data-testid="repo-tabs">
      <a href={repoHash(props.name)} aria-current={current('')}>Overview</a>
      <For each={tabs()}>{(s, i) => <span class="tab" classList={{ 'tab-rest': i() + 1 >= NARROW_TABS }}>{link(s)}</span>}</For>
      <Show when={navs().length > 0}>
        <details class="more-menu" open={open()} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="more-menu">
          <summary classList={{ current: inMenu() }}>More</summary>
          <ul class="plain more-list">
            <For each={tabs().slice(NARROW_TABS - 1)}>{(s) => <li class="more-narrow">{link(s)}</li>}</For>
            <For each={rest()}>{(s) => <li>{link(s)}</li>}</For>
          </ul>
        </details>
      </Show>
    </nav>
  );
}
