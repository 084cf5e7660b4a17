/**
 * `edgesync demo`: what `npm start` runs. Makes a demo repository on first use (the README and
 * the codecs of this checkout, a wiki page, a tag) and serves it with `edgesync hub`, the web app
 * handing out read access (--public-read); the hub prints a read link and a write invite.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineCommand } from '../command.ts';
import { UsageError } from '../args.ts';
import { checkoutRoot } from '../checkout-root.ts';
import { createRepository } from '../repo-access.ts';
import { createCheckin, type CheckinFile } from '../../repo/authoring/checkin.ts';
import { writeWikiPage } from '../../repo/authoring/wiki.ts';
import { addSymbolicTag } from '../../repo/authoring/tag.ts';
import { hubCommand } from './hub.ts';


function filesUnder(dir: string, root: string): CheckinFile[] {
  const out: CheckinFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, root));
    else out.push({ name: relative(root, path), content: readFileSync(path) });
  }
  return out;
}

function makeDemo(file: string): void {
  const root = checkoutRoot();
  const repo = createRepository(file, { projectName: 'EdgeSync demo', adminUser: 'demo' });
  try {
    const files: CheckinFile[] = [{ name: 'README.md', content: readFileSync(join(root, 'README.md')) }];
    const codecs = join(root, 'src', 'fossil');
    if (existsSync(codecs)) files.push(...filesUnder(codecs, root));
    const parent = repo.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1");
    const { rid } = createCheckin(repo, { parent, user: 'demo', comment: 'Demo: the EdgeSync README and codecs', files });
    writeWikiPage(repo, { title: 'Home', text: 'Welcome to the EdgeSync demo repository.\n', user: 'demo' });
    addSymbolicTag(repo, rid, 'demo-1', 'demo');
  } finally {
    repo.db.close();
  }
}

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'make a demo repository (first time) and serve it with a hub and the web app',
  usage: 'demo [--dir DIR] [--port N] [--ws-port N] [--web-port N]',
  description: 'What `npm start` runs: DIR/demo.fossil (made on first use) served by `edgesync hub --dir DIR/hub --public-read`.',
  options: [
    { name: 'dir', type: 'string', value: 'DIR', help: 'where the demo lives (default .tmp/demo)' },
    { name: 'port', type: 'number', value: 'N', help: 'NATS port (default 4222)' },
    { name: 'ws-port', type: 'number', value: 'N', help: 'WebSocket port (default 8222)' },
    { name: 'web-port', type: 'number', value: 'N', help: 'web app port (default 8080)' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log what the leaf does' },
  ],
  async run(ctx) {
    if (ctx.args.positional.length) throw new UsageError('demo takes no arguments');
    const o = ctx.args.options;
    const dir = resolve(String(o.dir ?? '.tmp/demo'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'demo.fossil');
    if (!existsSync(file)) {
      makeDemo(file);
      ctx.stdout(`made ${file}`);
    }
    const options: Record<string, string | number | boolean | string[]> = {
      dir: join(dir, 'hub'), serve: [file], 'public-read': true,
    };
    for (const k of ['port', 'ws-port', 'web-port'] as const) if (o[k] !== undefined) options[k] = o[k] as number;
    if (o.verbose) options.verbose = true;
    return hubCommand.run({ ...ctx, args: { options, positional: [] } });
  },
});
