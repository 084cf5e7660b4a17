import { directionCommand } from '../sync-command.ts';

export const pushCommand = directionCommand('push');
