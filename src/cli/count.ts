/** `n` things in words for the command's output: "1 round", "2 rounds". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
