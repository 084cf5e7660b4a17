/** An event's comment as fossil shows it: wiki links and inline markup, never script. */
import { createEffect } from 'solid-js';
import { renderInline } from './render-wiki.ts';

/** Fossil stores wiki events as `+Name`, `:Name`, `-Name` (added, edited, deleted). */
export function eventText(type: string, comment: string): string {
  if (type === 'w' && /^[+:-]/.test(comment)) {
    const verb = { '+': 'Added', ':': 'Changes to', '-': 'Deleted' }[comment[0]!]!;
    return `${verb} wiki page [/wiki?name=${encodeURIComponent(comment.slice(1))}|${comment.slice(1).replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}]`;
  }
  return comment;
}

export function Comment(props: { repo: string; text: string; class?: string }) {
  let el!: HTMLSpanElement;
  createEffect(() => {
    // Most comments have no markup at all: plain text needs no parsing or sanitizing.
    if (/[<&[]/.test(props.text)) el.replaceChildren(renderInline(props.repo, props.text));
    else el.textContent = props.text;
  });
  return <span class={props.class ?? 'comment-text'} ref={el} />;
}
