/** Small things the write pages share: the author's name (kept in this browser) and errors in plain words. */
import { createSignal } from 'solid-js';
import { errorText } from '../error-text.ts';

const KEY = 'edgesync-author';

const [author, setAuthorSignal] = createSignal(localStorage.getItem(KEY) ?? '');

export { author };

export function setAuthor(name: string): void {
  const n = name.trim();
  setAuthorSignal(n);
  if (n) localStorage.setItem(KEY, n);
}

/** Remember the name typed in a form's `user` field (if any) as the author of later writes. */
export function rememberAuthorFrom(f: FormData): void {
  const user = String(f.get('user') ?? '').trim();
  if (user) setAuthor(user);
}

/** The user a write is made as: the name typed here, else the repository's default. */
export function authorOr(fallback = 'anonymous'): string {
  return author() || fallback;
}

/** An error from the worker as a sentence (by its code: error-text.ts). */
export function message(e: unknown): string {
  return errorText(e);
}

export function short(uuid: string | undefined): string {
  return uuid ? uuid.slice(0, 10) : '';
}
