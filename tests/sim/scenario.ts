/**
 * One simulation run: a handful of peers edit and sync at random over a faulty network for a
 * number of steps, with the per-step invariants checked after each; then the faults stop, held
 * back messages arrive, everyone syncs through the first peer until nothing changes, and the
 * final invariants are checked. Everything is drawn from the seed; a failure throws a
 * SimulationFailure whose message starts with the seed, level and adapter that reproduce it.
 */
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { cloneInto, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { SyncError, syncWith } from '../../src/sync/client-session.ts';
import { TransportError } from '../../src/sync/transport.ts';
import type { Adapter } from '../helpers/dbs.ts';
import { FAULT_LEVELS, type FaultLevel } from './faults.ts';
import { FaultyTransport, zeroFaultCounts, type FaultCounts, type Network } from './faulty-transport.ts';
import {
  convergenceProblems, fingerprint, leakProblems, privateHashes, rebuildProblems, storeProblems,
} from './invariants.ts';
import { BOB, CAROL, edit, firstPeer, makeServer, setUsers, type EditKind, type Peer } from './peers.ts';
import { Prng } from './prng.ts';

export interface SimOptions {
  seed: number;
  level: FaultLevel['name'];
  adapter: Adapter;
  /** Peers at the start (one more may join by cloning). Default 4. */
  peers?: number;
  steps?: number;
  /** Compare derived tables with a rebuild after every step (else only at the end). */
  rebuildEveryStep?: boolean;
}

export interface SimStats {
  steps: number;
  edits: number;
  syncs: number;
  syncsFailed: number;
  clones: number;
  clonesResumed: number;
  lateDelivered: number;
  probes: number;
  convergencePasses: number;
  artifacts: number;
  faults: FaultCounts;
}

export class SimulationFailure extends Error {
  override name = 'SimulationFailure';
}

const isNetworkOrPeerError = (e: unknown) => e instanceof SyncError || e instanceof TransportError;

class Simulation {
  readonly rng: Prng;
  readonly peers: Peer[] = [];
  readonly net: Network;
  readonly stats: SimStats;
  readonly trace: string[] = [];
  private partition: Set<number> | undefined;
  private time = Date.parse('2025-01-01T00:00:00Z');
  private serialNo = 0;
  step = -1;

  constructor(readonly opts: SimOptions) {
    this.rng = new Prng(opts.seed);
    const sim = this;
    this.net = {
      level: FAULT_LEVELS[opts.level],
      rng: this.rng.fork(),
      counts: zeroFaultCounts(),
      late: [],
      faulty: true,
      isPartitioned: (a, b) => sim.partition !== undefined && sim.partition.has(a) !== sim.partition.has(b),
    };
    this.stats = {
      steps: 0, edits: 0, syncs: 0, syncsFailed: 0, clones: 0, clonesResumed: 0, lateDelivered: 0, probes: 0,
      convergencePasses: 0, artifacts: 0, faults: this.net.counts,
    };
  }

  clock = () => new Date((this.time += 61_000));
  serial = () => `${this.opts.seed}-${++this.serialNo}`;

  note(s: string): void {
    this.trace.push(`[${this.step}] ${s}`);
    if (this.trace.length > 40) this.trace.shift();
  }

  fail(problems: string[]): never {
    const o = this.opts;
    throw new SimulationFailure(
      `simulation seed=${o.seed} level=${o.level} adapter=${o.adapter.name} failed at step ${this.step}:\n  ` +
        `${problems.join('\n  ')}\nlast actions:\n  ${this.trace.join('\n  ')}`,
    );
  }

  /** Run fn; an error other than the network's or a peer's refusal is a failure of the run. */
  async guard<T>(what: string, fn: () => Promise<T> | T): Promise<T | Error> {
    try {
      return await fn();
    } catch (e) {
      if (isNetworkOrPeerError(e)) return e as Error;
      this.fail([`${what}: unexpected ${(e as Error)?.stack ?? String(e)}`]);
    }
  }

  async setup(): Promise<void> {
    const { adapter } = this.opts;
    const first = await firstPeer(adapter, this.rng, this.clock);
    this.peers.push(first);
    for (let i = 0; i < 3; i++) edit(first, 'commit', this);
    const n = this.opts.peers ?? 4;
    // The starting peers clone over a healthy network; faults begin with the first step.
    this.net.faulty = false;
    for (let id = 1; id < n; id++) {
      const peer = await this.newClone(id, id < Math.ceil(n / 2));
      const r = await this.guard(`initial clone of peer ${id}`, () => this.resumeClone(peer, 0));
      if (r instanceof Error || peer.cloning) this.fail([`initial clone of peer ${id} failed: ${String(r)}`]);
    }
    this.net.faulty = true;
  }

  async newClone(id: number, trusted: boolean): Promise<Peer> {
    const repo = Repository.create(await this.opts.adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(repo);
    const peer: Peer = { id, repo, trusted, server: makeServer(repo, this.rng), cloning: true };
    this.peers.push(peer);
    this.stats.clones++;
    return peer;
  }

  /** Start or resume the clone of peer from peer `from`. */
  async resumeClone(peer: Peer, from: number): Promise<void> {
    const source = this.peers[from]!;
    await cloneInto(peer.repo, new FaultyTransport(this.net, peer.id, from, source.server), { login: BOB, maxRounds: 200 });
    peer.repo.setCrosslinker(crosslinkerFactory);
    setUsers(peer);
    peer.cloning = false;
  }

  async sync(from: number, to: number, mode: 'pull' | 'push' | 'sync', probe = false): Promise<boolean> {
    const client = this.peers[from]!;
    const server = this.peers[to]!;
    const priv = probe || (client.trusted && server.trusted);
    const opts = {
      pull: mode !== 'push', push: mode !== 'pull', private: priv,
      login: client.trusted ? CAROL : BOB, maxRounds: 200,
    };
    this.stats.syncs++;
    const r = await this.guard(`${mode} ${from}->${to}`, () => syncWith(client.repo, new FaultyTransport(this.net, from, to, server.server), opts));
    if (r instanceof Error) {
      this.stats.syncsFailed++;
      // The server handler turns exceptions that escaped it into "server error": always a bug.
      if (/server error/.test(r.message)) this.fail([`${mode} ${from}->${to}: ${r.message}`]);
      this.note(`${mode}${priv ? ' private' : ''} ${from}->${to}: ${r.message.slice(0, 100)}`);
      return false;
    }
    // A private pull where the login lacks x must be refused (by the server, or the network failed first).
    if (probe && !(client.trusted && server.trusted)) this.fail([`private probe ${from}->${to} was not refused`]);
    this.note(`${mode}${priv ? ' private' : ''} ${from}->${to}: ok`);
    return true;
  }

  /** Pairs of peers that can sync now. */
  private pair(): [number, number] | undefined {
    const ready = this.peers.filter((p) => !p.cloning).map((p) => p.id);
    if (ready.length < 2) return undefined;
    const a = this.rng.pick(ready);
    const b = this.rng.pick(ready.filter((x) => x !== a));
    return [a, b];
  }

  async oneStep(): Promise<Set<Peer>> {
    const { rng, net } = this;
    const touched = new Set<Peer>();
    if (rng.chance(net.level.partition)) {
      if (this.partition) {
        this.partition = undefined;
        this.note('partition healed');
      } else {
        this.partition = new Set(this.peers.filter(() => rng.chance(0.5)).map((p) => p.id));
        this.note(`partition {${[...this.partition].join(',')}}`);
      }
    }
    // Held-back requests arrive now and then, long after their session ended.
    for (let i = 0; i < net.late.length; ) {
      if (rng.chance(0.3)) {
        const m = net.late.splice(i, 1)[0]!;
        const target = this.peers[m.to]!;
        await this.guard(`late delivery to ${m.to}`, () => target.server.handle(m.request));
        touched.add(target);
        this.stats.lateDelivered++;
        this.note(`late request delivered to ${m.to}`);
      } else i++;
    }
    const roll = rng.next();
    const cloning = this.peers.find((p) => p.cloning);
    if (cloning && rng.chance(0.5)) {
      const from = rng.pick(this.peers.filter((p) => !p.cloning)).id;
      const r = await this.guard(`clone of peer ${cloning.id}`, () => this.resumeClone(cloning, from));
      this.stats.clonesResumed++;
      this.note(`clone of ${cloning.id} from ${from}: ${r instanceof Error ? r.message.slice(0, 80) : 'done'}`);
      touched.add(cloning);
    } else if (roll < 0.35) {
      const peer = rng.pick(this.peers.filter((p) => !p.cloning));
      const kind: EditKind = rng.pick(['commit', 'commit', 'commit', 'private', 'merge', 'wiki', 'tag']);
      const r = await this.guard(`${kind} on ${peer.id}`, () => edit(peer, kind, this));
      if (!(r instanceof Error) && r !== undefined) this.stats.edits++;
      this.note(`peer ${peer.id}: ${String(r)}`);
      touched.add(peer);
    } else if (roll < 0.8) {
      const p = this.pair();
      if (p) {
        await this.sync(p[0], p[1], rng.pick(['pull', 'push', 'sync'] as const));
        touched.add(this.peers[p[0]]!).add(this.peers[p[1]]!);
      }
    } else if (roll < 0.93) {
      // Several sessions at once, their messages interleaved by the network's delays.
      const sessions: Promise<boolean>[] = [];
      const n = 2 + rng.int(2);
      for (let i = 0; i < n; i++) {
        const p = this.pair();
        if (!p) break;
        sessions.push(this.sync(p[0], p[1], rng.pick(['pull', 'push', 'sync'] as const)));
        touched.add(this.peers[p[0]]!).add(this.peers[p[1]]!);
      }
      await Promise.all(sessions);
    } else if (roll < 0.97) {
      const p = this.pair();
      if (p && !(this.peers[p[0]]!.trusted && this.peers[p[1]]!.trusted)) {
        this.stats.probes++;
        await this.sync(p[0], p[1], 'pull', true);
        touched.add(this.peers[p[0]]!).add(this.peers[p[1]]!);
      }
    } else if (!cloning && this.peers.length < (this.opts.peers ?? 4) + 1) {
      const peer = await this.newClone(this.peers.length, false);
      this.note(`peer ${peer.id} joins`);
      touched.add(peer);
    }
    return touched;
  }

  async checkStep(touched: Set<Peer>, withRebuild: boolean): Promise<void> {
    const problems: string[] = [];
    for (const p of this.peers) problems.push(...storeProblems(p));
    problems.push(...leakProblems(this.peers, privateHashes(this.peers)));
    if (withRebuild) for (const p of touched) problems.push(...(await rebuildProblems(p, this.opts.adapter)));
    if (problems.length) this.fail(problems);
  }

  async converge(): Promise<void> {
    this.net.faulty = false;
    this.partition = undefined;
    this.step = this.stats.steps;
    this.note('faults stop');
    for (const m of this.net.late.splice(0)) {
      await this.guard(`late delivery to ${m.to}`, () => this.peers[m.to]!.server.handle(m.request));
      this.stats.lateDelivered++;
    }
    for (const p of this.peers) {
      if (!p.cloning) continue;
      const r = await this.guard(`final clone of ${p.id}`, () => this.resumeClone(p, 0));
      if (r instanceof Error) this.fail([`clone of peer ${p.id} does not finish without faults: ${r.message}`]);
    }
    let before = '';
    for (let pass = 0; pass < 6; pass++) {
      this.stats.convergencePasses++;
      for (const p of this.peers.slice(1)) {
        if (!(await this.sync(p.id, 0, 'sync'))) this.fail([`sync ${p.id}->0 fails without faults`]);
      }
      const now = fingerprint(this.peers);
      if (now === before) break;
      before = now;
    }
    const problems = convergenceProblems(this.peers);
    for (const p of this.peers) problems.push(...storeProblems(p), ...(await rebuildProblems(p, this.opts.adapter)));
    problems.push(...leakProblems(this.peers, privateHashes(this.peers)));
    if (problems.length) this.fail(problems);
    this.stats.artifacts = this.peers[0]!.repo.db.value<number>('SELECT count(*) FROM blob') ?? 0;
  }

  close(): void {
    for (const p of this.peers) p.repo.db.close();
  }
}

export async function runSimulation(opts: SimOptions): Promise<SimStats> {
  const sim = new Simulation(opts);
  try {
    await sim.setup();
    const steps = opts.steps ?? 40;
    for (sim.step = 0; sim.step < steps; sim.step++) {
      const touched = await sim.oneStep();
      sim.stats.steps++;
      await sim.checkStep(touched, opts.rebuildEveryStep ?? false);
    }
    await sim.converge();
    return sim.stats;
  } finally {
    sim.close();
  }
}
