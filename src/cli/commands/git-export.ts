/** `edgesync git export`: the repository as a `git fast-import` stream on stdout. */
import { once } from 'node:events';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../command.ts';
import type { OptionSpec } from '../args.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { gitFastExport } from '../../git/fast-export.ts';
import { readMarksFile, writeMarksFile } from '../git-marks-file.ts';

export const mainBranchOption = { name: 'mainbranch', type: 'string', value: 'NAME', help: 'the git name of the main branch, trunk (default master)' } as const satisfies OptionSpec;

export const gitExportOptions: readonly OptionSpec[] = [
  { name: 'marks', type: 'string', value: 'FILE', help: 'leave out what an export with this marks file wrote; record what this one writes' },
  mainBranchOption,
];

export async function gitExport({ args }: CommandContext): Promise<number> {
  if (args.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  const marksPath = typeof args.options.marks === 'string' ? args.options.marks : undefined;
  const mainBranch = typeof args.options.mainbranch === 'string' ? args.options.mainbranch : undefined;
  const marks = readMarksFile(marksPath);
  await withRepository(repoPath(args.options), async (repo) => {
    const out = process.stdout;
    for (const chunk of gitFastExport(repo, marks, { mainBranch })) {
      // Written as produced: wait for the reader whenever the pipe is full.
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (!out.write('done\n')) await once(out, 'drain');
  }, { readonly: true });
  // Only a stream that was written whole may count as exported.
  if (marksPath) writeMarksFile(marksPath, marks);
  return 0;
}
