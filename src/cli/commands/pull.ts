import { directionCommand } from '../sync-command.ts';

export const pullCommand = directionCommand('pull');
