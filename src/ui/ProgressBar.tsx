/** A progress bar that is indeterminate while the total is unknown (a progress element with no value). */
import { Show } from 'solid-js';

export function ProgressBar(props: { fraction: number | undefined; label: string }) {
  return (
    <Show when={props.fraction !== undefined && Number.isFinite(props.fraction)} fallback={<progress aria-label={props.label} />}>
      <progress max="1" value={props.fraction} aria-label={props.label} />
    </Show>
  );
}
