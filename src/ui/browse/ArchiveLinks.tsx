/** Download a check-in as fossil's `zip` or `tarball` makes it (built in the worker, saved from here). */
import { createSignal } from 'solid-js';
import { useApi } from '../context.tsx';

export function ArchiveLinks(props: { repo: string; checkin: string }) {
  const browse = useApi().browse;
  const [busy, setBusy] = createSignal(false);
  const save = async (kind: 'zip' | 'tarball') => {
    setBusy(true);
    try {
      const a = await browse[kind](props.repo, props.checkin);
      const url = URL.createObjectURL(new Blob([a.bytes as BlobPart], { type: kind === 'zip' ? 'application/zip' : 'application/gzip' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: a.fileName });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" disabled={busy()} onClick={() => void save('zip')} data-testid="download-zip">ZIP</button>
      <button type="button" class="secondary" disabled={busy()} onClick={() => void save('tarball')} data-testid="download-tarball">Tarball</button>
    </>
  );
}
