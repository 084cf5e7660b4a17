/** pull, push and sync: one engine, three directions. */
import { defineCommand, jsonOption, repoOption, type Command, type TypedContext } from './command.ts';
import { UsageError, type OptionSpec } from './args.ts';
import { repoPath, openRepository } from './repo-access.ts';
import { closeQuietly, fileStorage, targetSource, threadVerifier } from './clone-file.ts';
import { openRepoFile } from '../repo/node-files.ts';
import { isUnfinishedClone } from '../sync/clone-client.ts';
import { runClone } from '../sync/clone-lifecycle.ts';
import { syncWith } from '../sync/client-session.ts';
import { openTransport, progressEvents, rememberTarget, requestEncoding, syncOptions, targetFor } from './sync-options.ts';
import { count } from './count.ts';

type Direction = 'pull' | 'push' | 'sync';

const SUMMARY: Record<Direction, string> = {
  pull: 'get new artifacts from a server',
  push: 'send new artifacts to a server',
  sync: 'pull and push in one go',
};

const directionOptions = [
  repoOption,
  ...syncOptions,
  { name: 'verily', type: 'boolean', help: 'exchange the full list of artifacts, not only new ones' },
  jsonOption,
] as const satisfies readonly OptionSpec[];

/** Finish a clone that was interrupted (the file is known to be one), then close it. */
async function finishInterruptedClone(ctx: TypedContext<typeof directionOptions>, path: string, urlArg: string | undefined): Promise<void> {
  const repo = openRepoFile(path);
  const o = ctx.args.options;
  const events = progressEvents(ctx, Boolean(o.verbose));
  try {
    const target = targetFor(repo, urlArg, o);
    await runClone({
      storage: fileStorage(path, { unfinished: repo }),
      // The sync that follows remembers the server.
      source: targetSource(target, { remember: false }),
      verifier: threadVerifier,
      options: { encoding: requestEncoding(o), events },
    });
    ctx.stdout('Finished the interrupted clone.');
  } finally {
    events.done();
    closeQuietly(repo);
  }
}

export function directionCommand(direction: Direction): Command {
  return defineCommand({
    name: direction,
    summary: SUMMARY[direction],
    usage: `${direction} [URL] -R FILE [--user U --password P] [--private] [-u] [-v]`,
    description: 'URL is http(s)://… or nats://HOST:PORT[/PROJECT-CODE] (also tls://, ws://, wss://).\nWithout URL, the server of the last clone or sync is used.',
    options: directionOptions,
    async run(ctx) {
      const { args, stdout } = ctx;
      const [urlArg, extra] = args.positional;
      if (extra) throw new UsageError('at most one URL');
      const path = repoPath(args.options);
      let repo = openRepository(path);
      if (isUnfinishedClone(repo)) {
        // The clone's own lifecycle finishes it (no crosslinker: it rebuilds), then the sync goes on.
        repo.db.close();
        await finishInterruptedClone(ctx, path, urlArg);
        repo = openRepository(path);
      }
      const o = args.options;
      const events = progressEvents(ctx, Boolean(o.verbose));
      try {
        const target = targetFor(repo, urlArg, o);
        const t = await openTransport(target.url, repo.projectCode);
        const r = await syncWith(repo, t.transport, {
          pull: direction !== 'push',
          push: direction !== 'pull',
          login: target.login,
          private: Boolean(o.private),
          unversioned: Boolean(o.unversioned),
          verily: Boolean(o.verily),
          encoding: requestEncoding(o),
          events,
          // As fossil: the whole exchange is one transaction, so a killed pull changes nothing.
          atomic: true,
        }).finally(() => t.close());
        events.done();
        repo.db.transaction(() => rememberTarget(repo, target));
        if (o.json) stdout(JSON.stringify(r));
        else stdout(`${direction} done: ${count(r.rounds, 'round')}, ${count(r.artifactsSent, 'artifact')} sent, ${r.artifactsReceived} received`);
      } catch (e) {
        events.done();
        throw e;
      } finally {
        repo.db.close();
      }
    },
  });
}
