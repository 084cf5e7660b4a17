import { directionCommand } from '../sync-command.ts';

export const syncCommand = directionCommand('sync');
