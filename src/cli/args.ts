/**
 * A small, strict command-line parser: each command declares its options, unknown options are
 * errors (never silently ignored), `--name=value` and `--name value` both work, `--` ends options.
 */
import { CodedError } from '../errors.ts';
export interface OptionSpec {
  name: string;
  short?: string;
  /** 'boolean' flags take no value; 'string' and 'number' take one. */
  type: 'boolean' | 'string' | 'number';
  repeat?: boolean;
  help: string;
  /** Shown as the value's name in help, e.g. FILE. */
  value?: string;
}

export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

export interface ParsedArgs {
  options: OptionValues;
  positional: string[];
}

export class UsageError extends CodedError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(`--${s.name}`, s);
    if (s.short) byName.set(`-${s.short}`, s);
  }
  const options: OptionValues = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(key);
    if (!spec) throw new UsageError(`unknown option ${key}`);
    let value: string | number | boolean;
    if (spec.type === 'boolean') {
      if (eq > 0) throw new UsageError(`option --${spec.name} takes no value`);
      value = true;
    } else {
      const raw = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (raw === undefined) throw new UsageError(`option --${spec.name} needs a value`);
      if (spec.type === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new UsageError(`option --${spec.name} needs a number, got ${JSON.stringify(raw)}`);
        value = n;
      } else {
        value = raw;
      }
    }
    if (spec.repeat) {
      const list = (options[spec.name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[spec.name] = list;
    } else {
      options[spec.name] = value;
    }
  }
  return { options, positional };
}

export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type === 'boolean' ? '' : ` ${s.value ?? s.type.toUpperCase()}`}`;
    return [flag, s.help] as const;
  });
  const w = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`).join('\n');
}
