/**
 * Asking the browser to keep this site's storage (`navigator.storage.persist()`): storage that is
 * not persistent may be cleared by the browser when space runs short, repositories and their
 * check-ins no hub has yet with it. Only a page can ask (workers have no `persist`). It is asked
 * when the person first brings a repository here or writes in one (clone, import, create, a
 * check-in), never just because a page loads: once granted, `persisted()` says so and it is not
 * asked again; otherwise at most once per page load (some browsers ask the person each time).
 */
import { createSignal } from 'solid-js';

const [answer, setAnswer] = createSignal<boolean>();
let asked = false;

/** What the browser answered when asked in this page (undefined: not asked). */
export const persistAnswer = answer;

/** Ask for persistent storage unless it is already persistent or was asked here; resolves to whether it is (as far as known). */
export async function askToPersist(): Promise<boolean | undefined> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (asked || !storage?.persist) return answer();
  asked = true;
  try {
    // Already persistent: nothing to ask (and nothing the page needs to report as an answer).
    if (await storage.persisted()) return true;
    setAnswer(await storage.persist());
  } catch {
    // A browser that cannot tell: the storage stays as it was, and the page says what it knows.
  }
  return answer();
}
