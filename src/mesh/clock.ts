/**
 * Time as the mesh sees it: the agents, the NATS transport, the responder and presence ask a
 * Clock for the time and for timers instead of the globals, so a simulation can run them on a
 * virtual clock (tests/sim) and a real process on the real one.
 */
export interface Clock {
  now(): number;
  /** Runs fn once after ms; returns the cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
  /** Runs fn every ms; returns the cancel function. */
  setInterval(fn: () => void, ms: number): () => void;
  sleep(ms: number): Promise<void>;
}

type Unrefable = { unref?: () => void };

/**
 * The real clock. Its timers never keep a Node process alive on their own: a process that
 * serves stays up because it waits for a signal, not because presence ticks.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    (t as Unrefable).unref?.();
    return () => clearTimeout(t);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    (t as Unrefable).unref?.();
    return () => clearInterval(t);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
