/**
 * What a server's refusal means. Fossil's servers say it in the text of an `error` card (the
 * wire carries no code), always in these words (xfer.c); we read them in this one place.
 */
export type Refusal = 'write' | 'login' | 'read' | 'clone' | 'private';

export function refusalOf(serverError: string | undefined): Refusal | undefined {
  if (!serverError) return undefined;
  const t = serverError.toLowerCase();
  if (t.startsWith('not authorized to write')) return 'write';
  if (t.startsWith('login failed')) return 'login';
  if (t.startsWith('not authorized to read')) return 'read';
  if (t.startsWith('not authorized to clone')) return 'clone';
  if (t.startsWith('not authorized to sync private')) return 'private';
  return undefined;
}
