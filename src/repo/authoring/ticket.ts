/** Ticket changes: a ticket artifact (J field cards and the K ticket id) per change. */
import type { Artifact, TicketField } from '../../fossil/artifact-types.ts';
import { toHex } from '../../fossil/bytes.ts';
import { platform } from '../../platform/platform.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, dateCard } from './names.ts';

export interface TicketChangeOptions {
  /** Existing ticket id (40 hex); leave out to open a new ticket. */
  ticketId?: string;
  /** Field values; a name starting with '+' appends to the field instead of replacing it. */
  fields: Record<string, string>;
  user: string;
  date?: Date;
}

export function changeTicket(repo: Repository, opts: TicketChangeOptions): { rid: number; uuid: string; ticketId: string } {
  const ticketId = opts.ticketId ?? toHex(platform().randomBytes(20));
  if (!/^[0-9a-f]{40}$/.test(ticketId)) throw new AuthoringError(`bad ticket id ${JSON.stringify(ticketId)}`);
  const fields: TicketField[] = Object.entries(opts.fields).map(([k, v]) => ({
    name: k.replace(/^\+/, ''), value: v, append: k.startsWith('+'),
  }));
  if (fields.length === 0) throw new AuthoringError('a ticket change needs at least one field');
  for (const f of fields) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) throw new AuthoringError(`bad ticket field name ${JSON.stringify(f.name)}`);
  fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return repo.db.transaction(() => {
    const a: Artifact = {
      type: 'ticket', date: dateCard(opts.date), fields, ticketId, user: opts.user,
      files: [], members: [], parents: [], cherrypicks: [], tags: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid, ticketId };
  });
}
