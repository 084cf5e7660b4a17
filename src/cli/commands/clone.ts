import { existsSync } from 'node:fs';
import { defineCommand } from '../command.ts';
import { jsonOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { closeQuietly, fileStorage, targetSource, threadVerifier } from '../clone-file.ts';
import { openRepoFile } from '../../repo/node-files.ts';
import type { Repository } from '../../repo/repository.ts';
import { isUnfinishedClone } from '../../sync/clone-client.ts';
import { CloneIncompleteError, runClone } from '../../sync/clone-lifecycle.ts';
import { CodedError } from '../../errors.ts';
import { loginFrom, parseAnyUrl, progressEvents, requestEncoding, syncOptions } from '../sync-options.ts';
import { count } from '../count.ts';

export const cloneCommand = defineCommand({
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
    let unfinished: Repository | undefined;
    if (existsSync(file)) {
      unfinished = openRepoFile(file);
      if (!isUnfinishedClone(unfinished)) {
        unfinished.db.close();
        throw new Error(`file already exists: ${file}`);
      }
    }
    const adminUser = o['admin-user'] ?? login?.user ?? process.env.FOSSIL_USER ?? process.env.USER ?? 'root';
    const events = progressEvents(ctx, Boolean(o.verbose));
    let done;
    try {
      done = await runClone({
        storage: fileStorage(file, { unfinished, adminUser, compact: { extraDeltas: !o.nocompress } }),
        source: targetSource({ url, login }, { remember: true }),
        verifier: threadVerifier,
        options: { private: Boolean(o.private), unversioned: Boolean(o.unversioned), encoding: requestEncoding(o), events },
      });
    } catch (e) {
      if (!(e instanceof CloneIncompleteError)) throw e;
      // What did not check out was dropped (clone-client.ts): the rest is kept, and the same
      // command, pointed at an honest server, fetches the dropped artifacts and finishes.
      const how = e.reason === 'untrusted' ? ' (with a server you trust)' : '';
      throw new CodedError(e.code, `${e.message}\nthe clone is incomplete; run the same command again${how} to resume it`, { cause: e });
    } finally {
      events.done();
    }
    const { repo } = done;
    try {
      const admin = repo.db.get<{ login: string; pw: string }>("SELECT login, pw FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1");
      if (o.json) {
        stdout(JSON.stringify({ file, projectCode: done.projectCode, rounds: done.rounds, artifacts: done.artifactsReceived, resumed: done.resumed }));
      } else {
        stdout(`${done.resumed ? 'Clone resumed and finished' : 'Clone done'}: ${count(done.rounds, 'round')}, ${count(done.artifactsReceived, 'artifact')}`);
        stdout(`project-id: ${done.projectCode}`);
        stdout(`server-id:  ${repo.config.serverCode}`);
        if (admin) stdout(`admin-user: ${admin.login} (password is "${admin.pw}")`);
      }
    } finally {
      closeQuietly(repo);
    }
  },
});
