/**
 * Each page's title, in one place: the tab's `document.title` ("Timeline · REPO · EdgeSync") and
 * the page's one `<h1>`. A page renders `<PageTitle repo={props.name}>Timeline</PageTitle>` (or
 * passes `text` when the heading holds links or markup); a page without a heading of its own calls
 * `usePageTitle(() => 'Text', () => repo)`.
 */
import { createEffect, createSignal, onCleanup, onMount, type JSX } from 'solid-js';

export const APP_TITLE = 'EdgeSync';

/** "Text · repo · EdgeSync" (empty parts left out). */
export function titleOf(text: string | undefined, repo?: string): string {
  return [text, repo, APP_TITLE].filter((p) => p && p.trim()).join(' · ');
}

/** Keeps document.title at `text` (and `repo`) while the calling component is shown. */
export function usePageTitle(text: () => string | undefined, repo?: () => string | undefined): void {
  let mine = '';
  createEffect(() => {
    document.title = mine = titleOf(text(), repo?.());
  });
  // Only a title this page set is taken back (the next page may have set its own already).
  onCleanup(() => {
    if (document.title === mine) document.title = APP_TITLE;
  });
}

export interface PageTitleProps {
  /** The repository the page belongs to (its local name), if any. */
  repo?: string;
  /** The title as plain text; defaults to the heading's text content. */
  text?: string;
  class?: string;
  id?: string;
  testid?: string;
  children: JSX.Element;
}

/** The page's `<h1>`, which also names the tab. */
export function PageTitle(props: PageTitleProps) {
  let h: HTMLHeadingElement | undefined;
  // The heading's text as shown (it may hold links or change in place): followed as it changes.
  const [shown, setShown] = createSignal<string>();
  onMount(() => {
    const read = () => setShown(h?.textContent?.replace(/\s+/g, ' ').trim() || undefined);
    read();
    const watch = new MutationObserver(read);
    watch.observe(h!, { childList: true, characterData: true, subtree: true });
    onCleanup(() => watch.disconnect());
  });
  usePageTitle(() => props.text ?? shown(), () => props.repo);
  return <h1 ref={h} class={props.class ? `page-title ${props.class}` : 'page-title'} id={props.id} data-testid={props.testid}>{props.children}</h1>;
}
