/** What the forum, technote and attachment pages share: who "I" am here, and the markup choice. */
import { For } from 'solid-js';
import type { Peer } from '../peer-state.ts';
import { author } from '../write/common.ts';
import { identityOf } from '../write/gate.tsx';

/** The name this browser writes as in a repository: its fossil login, else the name it remembers. */
export function myName(peer: Peer, name: string): string {
  return identityOf(peer, name)?.user ?? author();
}

export function mayWrite(peer: Peer, name: string): boolean {
  return identityOf(peer, name)?.canWrite !== false;
}

export const MARKUPS: [string, string][] = [['text/x-markdown', 'Markdown'], ['text/x-fossil-wiki', 'Fossil wiki'], ['text/plain', 'Plain text']];

export function MarkupSelect(props: { value: string; onChange: (v: string) => void; testid: string }) {
  return (
    <label>Markup
      <select name="mimetype" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} data-testid={props.testid}>
        <For each={MARKUPS}>{([v, label]) => <option value={v} selected={v === props.value}>{label}</option>}</For>
      </select>
    </label>
  );
}
