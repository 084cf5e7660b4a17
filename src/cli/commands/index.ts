/**
 * Every `edgesync` subcommand, in the order `edgesync --help` lists them. Each one's code is
 * loaded only when it is asked for, so a command pays for its own modules (and the Node modules
 * they use), not for all of them: a `sync` does not load the hub, the web server or notify.
 */
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'new', load: () => import('./new.ts').then((m) => m.newCommand) },
  { name: 'info', load: () => import('./info.ts').then((m) => m.infoCommand) },
  { name: 'timeline', load: () => import('./timeline.ts').then((m) => m.timelineCommand) },
  { name: 'ls', load: () => import('./ls.ts').then((m) => m.lsCommand) },
  { name: 'cat', load: () => import('./cat.ts').then((m) => m.catCommand) },
  { name: 'checkout', load: () => import('./checkout.ts').then((m) => m.checkoutCommand) },
  { name: 'commit', load: () => import('./commit.ts').then((m) => m.commitCommand) },
  { name: 'wiki', load: () => import('./wiki.ts').then((m) => m.wikiCommand) },
  { name: 'tag', load: () => import('./tag.ts').then((m) => m.tagCommand) },
  { name: 'user', load: () => import('./user.ts').then((m) => m.userCommand) },
  { name: 'verify', load: () => import('./verify.ts').then((m) => m.verifyCommand) },
  { name: 'rebuild', load: () => import('./rebuild.ts').then((m) => m.rebuildCommand) },
  { name: 'clone', load: () => import('./clone.ts').then((m) => m.cloneCommand) },
  { name: 'pull', load: () => import('./pull.ts').then((m) => m.pullCommand) },
  { name: 'push', load: () => import('./push.ts').then((m) => m.pushCommand) },
  { name: 'sync', load: () => import('./sync.ts').then((m) => m.syncCommand) },
  { name: 'serve', load: () => import('./serve.ts').then((m) => m.serveCommand) },
  { name: 'hub', load: () => import('./hub.ts').then((m) => m.hubCommand) },
  { name: 'member', load: () => import('./member.ts').then((m) => m.memberCommand) },
  { name: 'bridge', load: () => import('./bridge.ts').then((m) => m.bridgeCommand) },
  { name: 'doctor', load: () => import('./doctor.ts').then((m) => m.doctorCommand) },
  { name: 'git', load: () => import('./git.ts').then((m) => m.gitCommand) },
  { name: 'notify', load: () => import('./notify.ts').then((m) => m.notifyCommand) },
  { name: 'demo', load: () => import('./demo.ts').then((m) => m.demoCommand) },
];
