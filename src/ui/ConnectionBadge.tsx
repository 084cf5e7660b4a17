/** A hub connection state as a small coloured badge with words (colour is never the only cue). */
import type { ConnectionState } from '../peer/api-types.ts';

const WORDS: Record<ConnectionState, string> = {
  none: 'local only', connecting: 'connecting…', connected: 'connected', reconnecting: 'reconnecting…', offline: 'offline',
};

export function ConnectionBadge(props: { state: ConnectionState }) {
  return <span class={`badge badge-${props.state}`} data-testid="connection">{WORDS[props.state]}</span>;
}
