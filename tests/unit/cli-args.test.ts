import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type OptionSpec } from '../../src/cli/args.ts';

const specs: OptionSpec[] = [
  { name: 'repository', short: 'R', type: 'string', help: '' },
  { name: 'limit', short: 'n', type: 'number', help: '' },
  { name: 'json', type: 'boolean', help: '' },
  { name: 'tag', type: 'string', repeat: true, help: '' },
];

describe('command-line parsing', () => {
  it('reads short, long and --name=value forms, keeps positionals in order', () => {
    const r = parseArgs(['a', '-R', 'x.fossil', '--limit=5', 'b', '--json', '--tag', 't1', '--tag=t2', '--', '--c'], specs);
    expect(r.options).toEqual({ repository: 'x.fossil', limit: 5, json: true, tag: ['t1', 't2'] });
    expect(r.positional).toEqual(['a', 'b', '--c']);
  });
  it('rejects unknown options, missing values and bad numbers', () => {
    expect(() => parseArgs(['--nope'], specs)).toThrow(UsageError);
    expect(() => parseArgs(['-R'], specs)).toThrow(/needs a value/);
    expect(() => parseArgs(['-n', 'ten'], specs)).toThrow(/needs a number/);
    expect(() => parseArgs(['--json=1'], specs)).toThrow(/takes no value/);
  });
});
