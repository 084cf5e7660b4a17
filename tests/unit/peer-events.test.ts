// The page's picture of the peer follows the worker's events alone (src/ui/peer-events.ts): each
// event carries what changed, and applying it gives what listing the repositories again would.
import { describe, expect, it } from 'vitest';
import type { RepoSummary } from '../../src/peer/api-types.ts';
import { applyPeerEvent, emptyPeerState } from '../../src/ui/peer-events.ts';
import { ERROR_SENTENCES } from '../../src/ui/error-text.ts';

function summary(name: string, extra: Partial<RepoSummary> = {}): RepoSummary {
  return {
    name, projectCode: `${name}-code`, projectName: name, bytes: 4096, checkins: 1, connection: 'none', peers: [], unfinished: false,
    identity: { role: 'owner', canWrite: true }, pending: [], ...extra,
  };
}

describe('peer events', () => {
  it('starts from the worker list, then takes each summary in place or in name order', () => {
    const s = emptyPeerState();
    expect(s.ready).toBe(false);
    applyPeerEvent(s, { type: 'repos', repos: [summary('b'), summary('d')] }, 0);
    expect(s.ready).toBe(true);
    const b = s.repos[0]!;
    applyPeerEvent(s, { type: 'repo', repo: summary('c') }, 0);
    applyPeerEvent(s, { type: 'repo', repo: summary('a') }, 0);
    applyPeerEvent(s, { type: 'repo', repo: summary('b', { checkins: 7, lastSync: '2026-01-01T00:00:00.000Z' }) }, 0);
    expect(s.repos.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
    // The same object, changed: the page's list keeps its row for it.
    expect(s.repos[1]).toBe(b);
    expect(b).toMatchObject({ checkins: 7, lastSync: '2026-01-01T00:00:00.000Z' });
    // A field the new summary no longer has is gone from the old one.
    applyPeerEvent(s, { type: 'repo', repo: summary('b', { checkins: 7 }) }, 0);
    expect('lastSync' in b).toBe(false);
    applyPeerEvent(s, { type: 'repo-removed', name: 'c' }, 0);
    expect(s.repos.map((r) => r.name)).toEqual(['a', 'b', 'd']);
  });

  it('a later list drops what is gone and keeps the rows of what stays', () => {
    const s = emptyPeerState();
    applyPeerEvent(s, { type: 'repos', repos: [summary('a'), summary('b')] }, 0);
    const b = s.repos[1]!;
    applyPeerEvent(s, { type: 'repos', repos: [summary('b', { checkins: 3 }), summary('c')] }, 0);
    expect(s.repos.map((r) => r.name)).toEqual(['b', 'c']);
    expect(s.repos[0]).toBe(b);
    expect(b.checkins).toBe(3);
  });

  it('a connection changes the repositories it names, and only those', () => {
    const s = emptyPeerState();
    const hub = 'ws://127.0.0.1:8222';
    applyPeerEvent(s, { type: 'repos', repos: [summary('a', { hub, connection: 'connecting' }), summary('b', { hub, connection: 'connecting' }), summary('c')] }, 0);
    // b reaches the same hub with other credentials: another connection.
    applyPeerEvent(s, { type: 'connection', hub, state: 'connected', repos: ['a'] }, 0);
    expect(s.repos.map((r) => r.connection)).toEqual(['connected', 'connecting', 'none']);
    applyPeerEvent(s, { type: 'connection', hub, state: 'offline', error: 'connection closed', code: 'unreachable', repos: ['a', 'b'] }, 0);
    expect(s.repos.map((r) => r.connection)).toEqual(['offline', 'offline', 'none']);
    // The hub's error is in words, from its code (error-text.ts).
    expect(s.hubs[hub]).toEqual({ state: 'offline', error: ERROR_SENTENCES.unreachable('connection closed') });
  });

  it('peers, progress and check-ins go where the pages read them', () => {
    const s = emptyPeerState();
    applyPeerEvent(s, { type: 'repos', repos: [summary('a')] }, 0);
    const peers = [{ peerId: 'leaf-1', name: 'leaf', kind: 'leaf' }];
    applyPeerEvent(s, { type: 'peers', repo: 'a', peers }, 0);
    expect(s.repos[0]!.peers).toEqual(peers);
    expect(s.peers['a']).toEqual(peers);
    const progress = { repo: 'a', kind: 'sync' as const, phase: 'running' as const, rounds: 1, artifactsIn: 2, artifactsOut: 0, bytesIn: 10, bytesOut: 5, text: 'Syncing: 2 in, 0 out' };
    applyPeerEvent(s, { type: 'progress', progress }, 0);
    expect(s.progress['a']).toEqual(progress);
    applyPeerEvent(s, { type: 'checkins', repo: 'a', uuids: ['abc'], source: 'remote' }, 1000);
    applyPeerEvent(s, { type: 'checkins', repo: 'a', uuids: ['def'], source: 'local' }, 2000);
    expect(s.changes['a']).toBe(2);
    expect(s.arrivals['a']).toEqual({ uuids: ['def'], at: 2000, source: 'local' });
    // Events for a repository not (yet) listed change nothing of the list.
    applyPeerEvent(s, { type: 'peers', repo: 'zz', peers }, 0);
    expect(s.repos.map((r) => r.name)).toEqual(['a']);
  });
});
