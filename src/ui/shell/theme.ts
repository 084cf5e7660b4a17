/**
 * Light or dark: the choice (system, light or dark) is remembered in localStorage; "system"
 * follows prefers-color-scheme as it changes. The page's colours come from CSS variables under
 * `:root[data-theme=dark]` (app.css), so the document element's data-theme is all that changes.
 * index.html applies the remembered choice before the app loads, so a dark page never flashes light.
 */
import { createSignal } from 'solid-js';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'edgesync-theme';
const ORDER: ThemeChoice[] = ['system', 'light', 'dark'];

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

const systemDark = matchMedia('(prefers-color-scheme: dark)');
const [choice, setChoiceSignal] = createSignal<ThemeChoice>(stored());
export { choice as themeChoice };

/** The theme in effect: the choice, or the system's for "system". */
export function effectiveTheme(c: ThemeChoice = choice()): 'light' | 'dark' {
  return c === 'system' ? (systemDark.matches ? 'dark' : 'light') : c;
}

function apply(): void {
  document.documentElement.dataset.theme = effectiveTheme();
}

export function setThemeChoice(c: ThemeChoice): void {
  try {
    if (c === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, c);
  } catch {
    // Storage refused (a private window's quota): the choice holds for this page only.
  }
  setChoiceSignal(c);
  apply();
}

/** system → light → dark → system. */
export function cycleTheme(): ThemeChoice {
  const next = ORDER[(ORDER.indexOf(choice()) + 1) % ORDER.length]!;
  setThemeChoice(next);
  return next;
}

systemDark.addEventListener('change', apply);
// Another tab changed the choice.
window.addEventListener('storage', (e: StorageEvent) => {
  if (e.key === THEME_KEY || e.key === null) {
    setChoiceSignal(stored());
    apply();
  }
});
apply();
