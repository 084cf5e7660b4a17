import { defineCommand } from '../command.ts';
import { jsonOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { createRepository } from '../repo-access.ts';

export const newCommand = defineCommand({
  name: 'new',
  summary: 'create a new repository file (what `fossil init` makes)',
  usage: 'new FILE [--project-name NAME] [--user ADMIN] [--sha1] [--json]',
  options: [
    { name: 'project-name', type: 'string', value: 'NAME', help: 'the project name' },
    { name: 'project-desc', type: 'string', value: 'TEXT', help: 'the project description' },
    { name: 'user', short: 'A', type: 'string', value: 'LOGIN', help: 'login of the admin user (default: $USER)' },
    { name: 'sha1', type: 'boolean', help: 'name new artifacts with SHA1 instead of SHA3-256' },
    jsonOption,
  ],
  run({ args, stdout }) {
    const [file, extra] = args.positional;
    if (!file || extra) throw new UsageError('give exactly one FILE');
    const o = args.options;
    const repo = createRepository(file, {
      projectName: o['project-name'],
      projectDescription: o['project-desc'],
      adminUser: o.user ?? process.env.FOSSIL_USER ?? process.env.USER ?? undefined,
      hashPolicy: o.sha1 ? 0 : undefined,
    });
    try {
      const admin = repo.db.get<{ login: string; pw: string }>("SELECT login, pw FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1");
      const info = { file, projectCode: repo.config.projectCode, serverCode: repo.config.get('server-code'), adminUser: admin?.login, initialPassword: admin?.pw };
      if (o.json) stdout(JSON.stringify(info, null, 2));
      else stdout(`project-id: ${info.projectCode}\nserver-id:  ${info.serverCode}\nadmin-user: ${info.adminUser} (initial password is "${info.initialPassword}")`);
    } finally {
      repo.db.close();
    }
  },
});
