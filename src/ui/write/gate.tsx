/**
 * Writing needs the right to write: with a read link (or a login a server refused) the write
 * pages say so plainly before anything is typed, instead of failing at the end. With a fossil
 * login, writes are made as that login, and the author field shows it instead of asking.
 */
import { Show, type Component, type JSX } from 'solid-js';
import type { Identity } from '../../peer/access.ts';
import type { Peer } from '../peer-state.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { author } from './common.ts';
import { usePeer } from '../context.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function identityOf(peer: Peer, name: string): Identity | undefined {
  return peer.state.repos.find((r) => r.name === name)?.identity;
}

export function ReadOnlyNote(props: { identity: Identity | undefined; repo?: string }) {
  return (
    <section class="card notice" role="note" data-testid="read-only">
      <PageTitle repo={props.repo}>Read only</PageTitle>
      <p>{props.identity?.note ?? 'You may not write in this repository.'}</p>
    </section>
  );
}

export function WriteGate(props: { name: string; children: JSX.Element }) {
  const peer = usePeer();
  const id = () => identityOf(peer, props.name);
  return <Show when={id()?.canWrite !== false} fallback={<ReadOnlyNote identity={id()} repo={props.name} />}>{props.children}</Show>;
}

/** A write page that shows the read-only note instead of its form when this browser may not write. */
export function gated(C: Component<SectionProps>): Component<SectionProps> {
  return (props) => <WriteGate name={props.name}><C {...props} /></WriteGate>;
}

/** The author of a write: the signed-in login (fixed), else a name this browser remembers. */
export function AuthorField(props: { name: string; testid?: string }) {
  const peer = usePeer();
  const user = () => identityOf(peer, props.name)?.user;
  return (
    <Show when={user()} fallback={<label>Your name<input name="user" value={author()} placeholder="anonymous" autocomplete="username" data-testid={props.testid} /></label>}>
      <label>Writing as<input name="user" value={user()} readonly aria-readonly="true" data-testid={props.testid} title="your fossil login in this repository" /></label>
    </Show>
  );
}
