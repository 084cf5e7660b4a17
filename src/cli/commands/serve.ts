import type { Command } from '../command.ts';
import { repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { openRepository, repoPath } from '../repo-access.ts';
import { XferServer } from '../../sync/server-handler.ts';
import { createXferHttpServer, listen } from '../../sync/transports/http-server-node.ts';
import { statusPage } from '../status-page.ts';

/** [host:]port, host defaulting to the loopback address. */
function parseAddress(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?([0-9]{1,5})$/.exec(text);
  if (!m) throw new UsageError(`--http needs [HOST:]PORT, got ${JSON.stringify(text)}`);
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`port out of range: ${port}`);
  return { host, port };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve a repository to fossil and edgesync clients over HTTP',
  usage: 'serve -R FILE --http [HOST:]PORT [-v]',
  description: 'Sync requests are answered at any path; a GET shows a small status page.',
  options: [
    repoOption,
    { name: 'http', type: 'string', value: 'ADDR', help: 'listen on [HOST:]PORT (default 127.0.0.1:8080)' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log every request' },
  ],
  async run({ args, stdout, stderr }) {
    const path = repoPath(args.options);
    const { host, port } = parseAddress((args.options.http as string | undefined) ?? '8080');
    const repo = openRepository(path);
    const service = new XferServer(repo);
    const server = createXferHttpServer(service, {
      statusPage: () => statusPage(repo),
      onRequest: args.options.verbose
        ? (i) => stdout(`${i.remoteAddress ?? '?'}: ${i.requestBytes} B in, ${i.replyBytes} B out, ${i.ms} ms`)
        : undefined,
      onError: (e) => stderr(`request failed: ${e.message}`),
    });
    const addr = await listen(server, port, host);
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    stdout(`serving ${path} at http://${shown}:${addr.port}/`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    repo.db.close();
  },
};
