/** Repository text rendered safely (see render-wiki.ts), re-rendered when the text changes. */
import { createEffect } from 'solid-js';
import { renderRepoText, type LinkResolver } from './render-wiki.ts';

export function RepoText(props: { repo: string; text: string; mimetype: string; testid?: string; resolveLink?: LinkResolver }) {
  let el!: HTMLDivElement;
  createEffect(() => el.replaceChildren(renderRepoText(props.repo, props.text, props.mimetype, props.resolveLink)));
  return <div class="wiki-body" ref={el} data-testid={props.testid} />;
}
