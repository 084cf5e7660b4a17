/**
 * Keyboard shortcuts, for the whole app (none while typing in a field, nor with Ctrl, Alt or Meta):
 *   /        focus the page's search box (`#search-input`: the element a page marks as its search;
 *            on a repository page without one, the repository's full-text search)
 *   j / k    next / previous timeline entry (`[data-kb-item]` rows); Enter opens it
 *   t        theme: system → light → dark
 *   ?        the list of shortcuts; Escape closes it
 * A page that wants its rows walked by j/k marks each with `data-kb-item` and puts the row's main
 * link first (or marks it `data-kb-open`).
 */
import { createSignal } from 'solid-js';
import { cycleTheme } from './theme.ts';
import { route, repoHash, go } from '../route.ts';

export const SEARCH_INPUT_ID = 'search-input';

export const SHORTCUTS: [string, string][] = [
  ['/', 'Search (focus the search box)'],
  ['j', 'Next timeline entry'],
  ['k', 'Previous timeline entry'],
  ['Enter', 'Open the selected entry'],
  ['t', 'Theme: system, light, dark'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close this list'],
];

const [helpOpen, setHelpOpen] = createSignal(false);
export { helpOpen, setHelpOpen };

/** Typing into something: keys belong to it. */
function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes((t as HTMLInputElement).type);
  return false;
}

function items(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('[data-kb-item]')];
}

/** Moves the selection among the rows by `step` and focuses the row. */
function walk(step: 1 | -1): void {
  const rows = items();
  if (!rows.length) return;
  const at = rows.findIndex((r) => r.classList.contains('kb-current'));
  const next = rows[at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step))]!;
  for (const r of rows) r.classList.remove('kb-current');
  next.classList.add('kb-current');
  if (!next.hasAttribute('tabindex')) next.tabIndex = -1;
  next.focus();
  next.scrollIntoView({ block: 'nearest' });
}

function openCurrent(): boolean {
  const row = document.activeElement instanceof HTMLElement && document.activeElement.closest('[data-kb-item]');
  if (!row || !(row as HTMLElement).classList.contains('kb-current')) return false;
  const link = row.querySelector<HTMLAnchorElement>('a[data-kb-open]') ?? row.querySelector<HTMLAnchorElement>('a[href]');
  link?.click();
  return Boolean(link);
}

function focusSearch(): void {
  const el = document.getElementById(SEARCH_INPUT_ID);
  if (el) {
    el.focus();
    return;
  }
  const r = route();
  if (r.page !== 'repo') return;
  go(repoHash(r.name, 'search'));
  // The search page draws its box once it is shown.
  const until = Date.now() + 3000;
  const look = () => {
    const found = document.getElementById(SEARCH_INPUT_ID);
    if (found) found.focus();
    else if (Date.now() < until) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

export function onShortcutKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape' && helpOpen()) {
    setHelpOpen(false);
    e.preventDefault();
    return;
  }
  if (typing(e.target)) return;
  switch (e.key) {
    case '/': focusSearch(); break;
    case 'j': walk(1); break;
    case 'k': walk(-1); break;
    case 'Enter': if (!openCurrent()) return; break;
    case 't': cycleTheme(); break;
    case '?': setHelpOpen(!helpOpen()); break;
    default: return;
  }
  e.preventDefault();
}

/** Listens on the document; returns the function that stops it. */
export function installShortcuts(): () => void {
  document.addEventListener('keydown', onShortcutKey);
  return () => document.removeEventListener('keydown', onShortcutKey);
}
