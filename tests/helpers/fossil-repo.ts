/** A fossil repository made by the real fossil, with one check-in of one file of its own. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil } from './tools.ts';

/** `fossil init` at path, then a check-in adding `file`; that check-in's hash and the project code. */
export function fossilRepoWithCheckin(path: string, file: string): { tip: string; projectCode: string } {
  fossil(['init', path]);
  const co = `${path}-co`;
  mkdirSync(co, { recursive: true });
  fossil(['open', path, '--force', '--nosync'], { cwd: co });
  writeFileSync(join(co, file), `${file}\n`);
  fossil(['add', file], { cwd: co });
  fossil(['commit', '--nosync', '--no-warnings', '-m', `add ${file}`], { cwd: co });
  fossil(['close', '--force'], { cwd: co });
  return {
    tip: fossil(['timeline', '-R', path, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim(),
    projectCode: /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', path]).stdout)![1]!,
  };
}
