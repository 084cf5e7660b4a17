/**
 * This device's notify state for the CLI (Node only): its peer id, and per hub, project and
 * thread filter the last stream sequence shown plus the newest ids shown, so `notify watch`
 * prints each message once across runs. One small JSON file in the user's config directory
 * (`$EDGESYNC_CONFIG_DIR`, else `$XDG_CONFIG_HOME/edgesync`, else `~/.config/edgesync`), written
 * whole through a temporary file so a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomHex } from './ids.ts';

export interface Cursor {
  seq: number;
  ids: string[];
}

interface StateFile {
  device?: { id: string };
  cursors?: Record<string, Cursor>;
}

/** How many recent ids a cursor keeps for dedup across runs. */
const KEEP_IDS = 500;

export function configDir(): string {
  if (process.env.EDGESYNC_CONFIG_DIR) return process.env.EDGESYNC_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'edgesync');
}

export function defaultName(): string {
  let user = 'someone';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return `${user}@${hostname()}`;
}

export class NotifyStateFile {
  private data: StateFile;
  readonly file: string;

  constructor(dir = configDir()) {
    this.file = join(dir, 'notify-state.json');
    try {
      this.data = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
    } catch {
      this.data = {};
    }
  }

  /** This device's peer id, made on first use. */
  deviceId(): string {
    if (!this.data.device?.id) {
      this.data.device = { id: `cli-${randomHex(6)}` };
      this.save();
    }
    return this.data.device.id;
  }

  static key(server: string, project: string, thread?: string): string {
    return `${server}|${project}|${thread ?? '*'}`;
  }

  cursor(key: string): Cursor {
    return this.data.cursors?.[key] ?? { seq: 0, ids: [] };
  }

  setCursor(key: string, c: Cursor): void {
    (this.data.cursors ??= {})[key] = { seq: c.seq, ids: c.ids.slice(-KEEP_IDS) };
  }

  save(): void {
    const dir = join(this.file, '..');
    mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.data, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
