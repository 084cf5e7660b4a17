/**
 * Our sync server running inside the test process (library, not CLI), for tests that need to
 * reach into it. Clients must then run asynchronously (fossilAsync), or the server cannot answer.
 */
import type { RunningServer } from './servers.ts';
import { XferServer, type ServerOptions } from '../../src/sync/server-handler.ts';
import { createXferHttpServer, listen } from '../../src/sync/transports/http-server-node.ts';
import { openWithCrosslinker } from './sync-fixtures.ts';

export async function startInProcessServer(path: string, opts: ServerOptions = {}): Promise<RunningServer> {
  const repo = openWithCrosslinker(path);
  let log = '';
  const server = createXferHttpServer(new XferServer(repo, opts), { onError: (e) => (log += `${e.stack}\n`) });
  const addr = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    port: addr.port,
    pid: process.pid,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          repo.db.close();
          resolve();
        });
      }),
  };
}
