/**
 * A second thread for the repository worker: it checks artifacts against their names while a
 * clone's rebuild runs (see src/sync/hash-ring.ts). Started per clone, stopped when it ends.
 */
import { installWebPlatform } from '../src/platform/web.ts';
import { runHashRingConsumer, type HashRing } from '../src/sync/hash-ring.ts';
import { digestFor } from '../src/fossil/hash.ts';

addEventListener('message', async (e: MessageEvent<HashRing>) => {
  await installWebPlatform();
  postMessage('ready');
  runHashRingConsumer(e.data, (name, bytes) => digestFor(name, bytes));
  postMessage('ended');
});
