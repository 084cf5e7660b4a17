// Share links carry a hub's WebSocket URL, or a cluster's nodes' URLs comma-separated: what a
// link names comes back from it, a list is cleaned the same way as one URL, and anything that is
// not a ws:// or wss:// URL makes the link no link at all.
import { describe, expect, it } from 'vitest';
import { hubUrls, parseShareLink, shareLink } from '../../src/peer/share-link.ts';

const CODE = 'a'.repeat(40);

describe('share links', () => {
  it('round-trips one hub and a cluster of them, with credentials', () => {
    for (const hub of ['ws://127.0.0.1:8222', 'ws://127.0.0.1:8222,wss://b.example:443,ws://[::1]:8224']) {
      const link = shareLink('http://app.example/', { hub, projectCode: CODE, name: 'p', auth: { user: 'r', password: 'x,y' }, role: 'reader' });
      expect(parseShareLink(link)).toEqual({ hub, projectCode: CODE, name: 'p', auth: { user: 'r', password: 'x,y' }, role: 'reader' });
    }
  });

  it('cleans every URL of a list and refuses a list with anything else in it', () => {
    expect(hubUrls(' ws://a:1/ , wss://b:2// ')).toEqual(['ws://a:1', 'wss://b:2']);
    expect(hubUrls('ws://a:1,http://b:2')).toBeUndefined();
    expect(hubUrls('wss://proxy.example/nats')).toEqual(['wss://proxy.example/nats']);
    expect(hubUrls('ws://a b:1')).toBeUndefined();
    expect(hubUrls(',')).toBeUndefined();
    const bad = `http://app/#/clone?${new URLSearchParams({ hub: 'ws://a:1,javascript:alert(1)', project: CODE })}`;
    expect(parseShareLink(bad)).toBeUndefined();
  });
});
