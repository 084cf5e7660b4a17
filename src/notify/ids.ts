/** Random hex from the platform's CSPRNG (Node 20 and browsers both have globalThis.crypto). */
export function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
