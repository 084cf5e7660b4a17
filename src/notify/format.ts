/** Notify messages as lines of text (the CLI's output). */
import { priorityOf, threadShort, type NotifyMessage } from './message.ts';

export function messageLine(m: NotifyMessage): string {
  const p = priorityOf(m);
  const tag = p === 'info' ? '' : ` [${p}]`;
  const who = m.from_name || m.from;
  const reply = m.action_response ? ` (action ${JSON.stringify(m.body)})` : '';
  const actions = m.actions?.length ? `  {${m.actions.map((a) => (a.id === a.label ? a.id : `${a.id}: ${a.label}`)).join(' | ')}}` : '';
  const media = m.media?.length ? `  [media: ${m.media.join(', ')}]` : '';
  const body = m.action_response ? '' : ` ${m.body}`;
  return `${m.timestamp} ${threadShort(m.thread)} ${m.id.slice(4, 12)}${tag} ${who}:${reply}${body}${actions}${media}`;
}
