/** A file diff, unified or side by side, from the hunks the worker computed (jsdiff). */
import { For, Match, Show, Switch } from 'solid-js';
import type { DiffHunk, FileDiff } from '../../peer/browse-types.ts';
import { intralinePieces, type Piece } from './intraline.ts';

interface SideLine { n?: number; text?: string; kind: 'ctx' | 'del' | 'add' | 'empty'; pieces?: Piece[] }

/** A line's text, the words that differ from its pair marked. */
function LineText(props: { text?: string; pieces?: Piece[] }) {
  return <>{props.pieces ? <For each={props.pieces}>{(p) => (p.changed ? <span class="il">{p.text}</span> : p.text)}</For> : props.text ?? ''}</>;
}

/** Pair removed and added lines of a hunk into rows of a side-by-side view. */
function sideBySide(h: DiffHunk): [SideLine, SideLine][] {
  const rows: [SideLine, SideLine][] = [];
  let o = h.oldStart;
  let n = h.newStart;
  let dels: SideLine[] = [];
  let adds: SideLine[] = [];
  const pieces = intralinePieces(h.lines);
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) rows.push([dels[i] ?? { kind: 'empty' }, adds[i] ?? { kind: 'empty' }]);
    dels = [];
    adds = [];
  };
  for (const [i, l] of h.lines.entries()) {
    const t = l.slice(1);
    if (l[0] === '-') dels.push({ n: o++, text: t, kind: 'del', pieces: pieces.get(i) });
    else if (l[0] === '+') adds.push({ n: n++, text: t, kind: 'add', pieces: pieces.get(i) });
    else {
      flush();
      rows.push([{ n: o++, text: t, kind: 'ctx' }, { n: n++, text: t, kind: 'ctx' }]);
    }
  }
  flush();
  return rows;
}

function unified(h: DiffHunk): { o?: number; n?: number; text: string; kind: 'ctx' | 'del' | 'add'; pieces?: Piece[] }[] {
  let o = h.oldStart;
  let n = h.newStart;
  const pieces = intralinePieces(h.lines);
  return h.lines.map((l, i) => {
    const text = l.slice(1);
    if (l[0] === '-') return { o: o++, text, kind: 'del' as const, pieces: pieces.get(i) };
    if (l[0] === '+') return { n: n++, text, kind: 'add' as const, pieces: pieces.get(i) };
    return { o: o++, n: n++, text, kind: 'ctx' as const };
  });
}

export function DiffView(props: { diff: FileDiff; split: boolean }) {
  return (
    <Switch>
      <Match when={props.diff.note}>
        <p class="muted small diff-note">{{ binary: 'Binary file: no text diff.', 'too-large': 'Too large to diff here.', missing: 'Content not in this repository (a phantom).' }[props.diff.note!]}</p>
      </Match>
      <Match when={props.diff.hunks.length === 0}><p class="muted small diff-note">No textual change.</p></Match>
      <Match when={!props.split}>
        <table class="diff unified" data-testid="diff-unified">
          <colgroup><col class="c-ln" /><col class="c-ln" /><col /></colgroup>
          <For each={props.diff.hunks}>
            {(h) => (
              <tbody>
                <tr class="hunk"><td colSpan={3}>@@ -{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@</td></tr>
                <For each={unified(h)}>
                  {(l) => <tr class={l.kind}><td class="ln">{l.o ?? ''}</td><td class="ln">{l.n ?? ''}</td><td class="code"><span class="mark">{l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}</span><LineText text={l.text} pieces={l.pieces} /></td></tr>}
                </For>
              </tbody>
            )}
          </For>
        </table>
      </Match>
      <Match when={props.split}>
        <table class="diff split" data-testid="diff-split">
          <colgroup><col class="c-ln" /><col /><col class="c-ln" /><col /></colgroup>
          <For each={props.diff.hunks}>
            {(h) => (
              <tbody>
                <tr class="hunk"><td colSpan={4}>@@ -{h.oldStart},{h.oldLines} +{h.newStart},{h.newLines} @@</td></tr>
                <For each={sideBySide(h)}>
                  {([a, b]) => (
                    <tr>
                      <td class={`ln ${a.kind}`}>{a.n ?? ''}</td><td class={`code ${a.kind}`}><LineText text={a.text} pieces={a.pieces} /></td>
                      <td class={`ln ${b.kind}`}>{b.n ?? ''}</td><td class={`code ${b.kind}`}><LineText text={b.text} pieces={b.pieces} /></td>
                    </tr>
                  )}
                </For>
              </tbody>
            )}
          </For>
        </table>
      </Match>
    </Switch>
  );
}

export function DiffStat(props: { diff?: FileDiff }) {
  const counts = () => {
    let add = 0;
    let del = 0;
    for (const h of props.diff?.hunks ?? []) for (const l of h.lines) l[0] === '+' ? add++ : l[0] === '-' ? del++ : 0;
    return { add, del };
  };
  return <Show when={props.diff && !props.diff.note}><span class="diffstat small"><span class="add">+{counts().add}</span> <span class="del">−{counts().del}</span></span></Show>;
}
