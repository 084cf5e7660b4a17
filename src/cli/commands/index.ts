/** Every `edgesync` subcommand, in the order `edgesync --help` lists them. */
import type { Command } from '../command.ts';
import { newCommand } from './new.ts';
import { infoCommand } from './info.ts';
import { timelineCommand } from './timeline.ts';
import { lsCommand } from './ls.ts';
import { catCommand } from './cat.ts';
import { checkoutCommand } from './checkout.ts';
import { commitCommand } from './commit.ts';
import { wikiCommand } from './wiki.ts';
import { tagCommand } from './tag.ts';
import { userCommand } from './user.ts';
import { verifyCommand } from './verify.ts';
import { rebuildCommand } from './rebuild.ts';
import { cloneCommand } from './clone.ts';
import { pullCommand } from './pull.ts';
import { pushCommand } from './push.ts';
import { syncCommand } from './sync.ts';
import { serveCommand } from './serve.ts';
import { hubCommand } from './hub.ts';
import { memberCommand } from './member.ts';
import { demoCommand } from './demo.ts';
import { bridgeCommand } from './bridge.ts';
import { doctorCommand } from './doctor.ts';
import { notifyCommand } from './notify.ts';

export const commands: Command[] = [
  newCommand, infoCommand, timelineCommand, lsCommand, catCommand, checkoutCommand, commitCommand,
  wikiCommand, tagCommand, userCommand, verifyCommand, rebuildCommand,
  cloneCommand, pullCommand, pushCommand, syncCommand, serveCommand, hubCommand, memberCommand, bridgeCommand, doctorCommand,
  notifyCommand, demoCommand,
];
