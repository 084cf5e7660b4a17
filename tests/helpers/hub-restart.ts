/**
 * Bringing a stopped `edgesync hub` back on the same ports (the browsers' WebSocket URL and the
 * share links stay valid), as after a network outage.
 */
import { startHubCli, type RunningHub } from './hub-cli.ts';

export function restartHubCli(old: RunningHub, dir: string, serve: string[], extra: string[] = []): Promise<RunningHub> {
  const port = (u: string) => Number(new URL(u).port);
  return startHubCli(dir, serve, extra, { port: port(old.natsUrl), wsPort: port(old.ws), webPort: port(old.webUrl) });
}
