import { existsSync, rmSync } from 'node:fs';
import type { Command } from '../command.ts';
import { jsonOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { createRepoFile, openRepoFile } from '../../repo/node-files.ts';
import type { Repository } from '../../repo/repository.ts';
import { compactClone } from '../../repo/repack.ts';
import { CloneVerificationError, cloneInto, isUnfinishedClone, prepareCloneTarget } from '../../sync/clone-client.ts';
import { CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING } from '../../sync/client-session.ts';
import { workerVerifier } from '../../sync/worker-verifier-node.ts';
import { loginFrom, openTransport, parseAnyUrl, progressEvents, rememberClonePassword, rememberTarget, rememberUrl, requestEncoding, syncOptions } from '../sync-options.ts';
import { CodedError, codeOf } from '../../errors.ts';

export const cloneCommand: Command = {
  name: 'clone',
  summary: 'copy a repository from a fossil or edgesync server',
  usage: 'clone URL FILE [--user U --password P] [--private] [-u] [-v]',
  description: [
    'URL is http(s)://[user:password@]host[:port]/path, or nats://[NATS-CREDENTIALS@]HOST:PORT/PROJECT-CODE',
    '(also tls://, ws://, wss://; the fossil login then comes from --user/--password). If FILE is a clone that was interrupted,',
    'the clone resumes where it stopped.',
  ].join('\n'),
  options: [
    ...syncOptions,
    { name: 'nocompress', type: 'boolean', help: 'skip the extra delta pass at the end (a larger file, sooner)' },
    { name: 'admin-user', short: 'A', type: 'string', value: 'LOGIN', help: 'the clone\'s setup user (default: the login, else $USER)' },
    jsonOption,
  ],
  async run(ctx) {
    const { args, stdout } = ctx;
    const [urlText, file, extra] = args.positional;
    if (!urlText || !file || extra) throw new UsageError('give URL and FILE');
    const o = args.options;
    const url = parseAnyUrl(urlText);
    const login = loginFrom(url, o);
    let repo: Repository;
    let resumed = false;
    if (existsSync(file)) {
      repo = openRepoFile(file);
      if (!isUnfinishedClone(repo)) {
        repo.db.close();
        throw new Error(`file already exists: ${file}`);
      }
      resumed = true;
    } else {
      const admin = (o['admin-user'] as string | undefined) ?? login?.user ?? process.env.FOSSIL_USER ?? process.env.USER ?? 'root';
      repo = createRepoFile(file, {
        date: null,
        adminUser: admin,
        // In the file before it appears, so that `edgesync pull -R FILE` can always finish an
        // interrupted clone (a process killed here leaves no file at all).
        prepare(r) {
          prepareCloneTarget(r);
          rememberUrl(r, url, login?.user);
          rememberClonePassword(r, login);
        },
      });
    }
    const progress = progressEvents(ctx, Boolean(o.verbose));
    // The password is remembered (as a secret, which needs the project code) once the first
    // round has told the project code, so that `edgesync pull -R FILE` can finish a clone
    // killed half-way without asking for it.
    let remembered = false;
    const events: typeof progress = {
      ...progress,
      round(report) {
        progress.round?.(report);
        if (remembered || !login || !repo.config.projectCode) return;
        repo.db.transaction(() => rememberTarget(repo, { url, login }));
        remembered = true;
      },
    };
    try {
      const t = await openTransport(url, repo.config.projectCode);
      const r = await cloneInto(repo, t.transport, {
        login,
        private: Boolean(o.private),
        unversioned: Boolean(o.unversioned),
        encoding: requestEncoding(o),
        events,
        verifier: workerVerifier(),
      }).finally(() => t.close());
      events.done();
      repo.db.transaction(() => rememberTarget(repo, { url, login }));
      // Like fossil, leave a compact file behind.
      compactClone(repo, { extraDeltas: !o.nocompress });
      const admin = repo.db.get<{ login: string; pw: string }>("SELECT login, pw FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1");
      if (o.json) {
        stdout(JSON.stringify({ file, projectCode: r.projectCode, rounds: r.rounds, artifacts: r.artifactsReceived, resumed }));
      } else {
        stdout(`${resumed ? 'Clone resumed and finished' : 'Clone done'}: ${r.rounds} rounds, ${r.artifactsReceived} artifacts`);
        stdout(`project-id: ${r.projectCode}`);
        stdout(`server-id:  ${repo.config.serverCode}`);
        if (admin) stdout(`admin-user: ${admin.login} (password is "${admin.pw}")`);
      }
    } catch (e) {
      events.done();
      if (e instanceof CloneVerificationError) {
        // What did not check out was dropped (clone-client.ts): the rest is kept, and the same
        // command, pointed at an honest server, fetches the dropped artifacts and finishes.
        throw new CodedError(e.code, `${e.message}\nthe clone is incomplete; run the same command again (with a server you trust) to resume it`, { cause: e });
      }
      if (!resumed && nothingReceived(repo)) {
        // A clone that never got anything (refused, unreachable) leaves no file behind.
        repo.db.close();
        rmSync(file, { force: true });
        throw e;
      }
      if (isUnfinishedClone(repo)) {
        throw new CodedError(codeOf(e), `${(e as Error).message}\nthe clone is incomplete; run the same command again to resume it`, { cause: e });
      }
      throw e;
    } finally {
      closeQuietly(repo);
    }
  },
};

function nothingReceived(repo: Repository): boolean {
  return repo.config.getInt(CLONE_RECEIVED_SETTING, 0) === 0 && repo.config.getInt(CLONE_SEQNO_SETTING, 1) === 1;
}

function closeQuietly(repo: Repository): void {
  try {
    repo.db.close();
  } catch {
    // already closed
  }
}
