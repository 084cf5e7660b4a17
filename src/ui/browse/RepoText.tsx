/** Repository text rendered safely (see render-wiki.ts), re-rendered when the text changes. */
import { createEffect } from 'solid-js';
import { renderRepoText } from './render-wiki.ts';

export function RepoText(props: { repo: string; text: string; mimetype: string; testid?: string }) {
  let el!: HTMLDivElement;
  createEffect(() => el.replaceChildren(renderRepoText(props.repo, props.text, props.mimetype)));
  return <div class="wiki-body" ref={el} data-testid={props.testid} />;
}
