/** A file's content: highlighted text with line numbers, an image, or a note for other binaries; plus raw download. */
import { createEffect, createMemo, createResource, onCleanup, Show } from 'solid-js';
import type { FileContent } from '../../peer/browse-types.ts';
import { formatSize } from './common.tsx';
import { highlight } from './highlight.ts';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', ico: 'image/x-icon', bmp: 'image/bmp' };

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function imageType(path: string): string | undefined {
  return IMAGE_TYPES[path.split('.').pop()!.toLowerCase()];
}

export function DownloadLink(props: { file: FileContent; name: string }) {
  const url = createMemo(() => URL.createObjectURL(new Blob([props.file.bytes as BlobPart], { type: 'application/octet-stream' })));
  onCleanup(() => URL.revokeObjectURL(url()));
  return <a class="button-link" href={url()} download={props.name.split('/').pop() || props.file.uuid} data-testid="raw-download">Download raw</a>;
}

export function FileBody(props: { file: FileContent; name: string }) {
  const text = createMemo(() => (props.file.text ? new TextDecoder().decode(props.file.bytes) : ''));
  const lineCount = createMemo(() => (text() === '' ? 0 : text().replace(/\n$/, '').split('\n').length));
  const [html] = createResource(() => (props.file.text ? { name: props.name, text: text() } : false), (k) => highlight(k.name, k.text));
  const image = () => imageType(props.name);
  const imageUrl = createMemo(() => {
    const type = image();
    if (!type) return undefined;
    // An SVG is a document that can hold script: as a blob: URL opened in a tab of its own it
    // would run in this app's origin. A data: URL shows as an <img> (where SVG runs nothing) and
    // cannot be opened as a document of this origin.
    if (type === 'image/svg+xml') return `data:${type};base64,${base64(props.file.bytes)}`;
    return URL.createObjectURL(new Blob([props.file.bytes as BlobPart], { type }));
  });
  onCleanup(() => imageUrl()?.startsWith('blob:') && URL.revokeObjectURL(imageUrl()!));
  let code!: HTMLElement;
  createEffect(() => {
    if (!code) return;
    const h = html.latest;
    // highlight.js escapes the text itself; without a grammar the text goes in as text.
    if (h) code.innerHTML = h;
    else code.textContent = text();
  });
  return (
    <Show when={!image()} fallback={<div class="image-view"><img src={imageUrl()} alt={props.name} data-testid="image-view" /><p class="muted small">{formatSize(props.file.size)}</p></div>}>
      <Show when={props.file.text} fallback={<p class="muted" data-testid="binary-note">Binary file, {formatSize(props.file.size)}. Download it to look inside.</p>}>
        <div class="code-view">
          <pre class="gutter" aria-hidden="true">{Array.from({ length: lineCount() }, (_, i) => i + 1).join('\n')}</pre>
          <pre class="code hljs"><code ref={code} data-testid="file-text" /></pre>
        </div>
      </Show>
    </Show>
  );
}
