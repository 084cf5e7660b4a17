/** The theme switch in the header: system → light → dark (also the `t` key). */
import { cycleTheme, effectiveTheme, themeChoice } from './theme.ts';

const LABEL = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' } as const;

export function ThemeToggle() {
  return (
    <button
      type="button"
      class="icon-button theme-toggle"
      data-testid="theme-toggle"
      data-choice={themeChoice()}
      title={`${LABEL[themeChoice()]} (t to change)`}
      aria-label={`${LABEL[themeChoice()]}: change theme`}
      onClick={() => cycleTheme()}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        {themeChoice() === 'system'
          ? <><circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" stroke-width="2" /><path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" /></>
          : effectiveTheme() === 'dark'
            ? <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" fill="currentColor" />
            : <><circle cx="12" cy="12" r="4.5" fill="currentColor" /><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1" stroke="currentColor" stroke-width="2" stroke-linecap="round" /></>}
      </svg>
    </button>
  );
}
