/**
 * The clones running in the browser, one per project: a second request for a project already
 * being cloned (the same share link opened again) waits for that clone instead of starting
 * another into the same repository, and Cancel reaches the clone by its project code (the page
 * knows the link's code before the worker has picked a local name).
 *
 * And how long a clone waits before it says what is wrong: the worker keeps retrying a hub in
 * the background for the repositories it syncs, but a clone is something a person watches.
 */

/**
 * How long a clone waits for its hub before it fails `unreachable` (the UI shows it, with Retry):
 * a few attempts at a hub that refuses (they come at once, then ½, 1 and 2 s apart), and more
 * than one attempt's own timeout (5 s, connect-web) at a hub that never answers.
 */
export const CLONE_CONNECT_TIMEOUT_MS = 6_000;

/**
 * How long a clone keeps asking while the hub says nobody serves the project at all (NATS "no
 * responders"): long enough for a leaf that rejoins a restarted hub, short enough that a link
 * with a wrong project code is told so at once. A responder that is there but slow is waited for
 * as long as any sync waits.
 */
export const CLONE_FIRST_CONTACT_MS = 3_000;

interface Job<T> {
  controller: AbortController;
  done: Promise<T>;
  /** What the job holds on to (the hub link it uses), so it is not let go while the job runs. */
  uses: string;
}

export class CloneJobs<T> {
  private readonly jobs = new Map<string, Job<T>>();

  /**
   * The clone of `project`: the one already running, or `start` called now with the signal that
   * Cancel fires. `uses`: the key of what it holds (see `inUse`).
   */
  run(project: string, uses: string, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const running = this.jobs.get(project);
    if (running) return running.done;
    const controller = new AbortController();
    const job: Job<T> = { controller, uses, done: Promise.resolve().then(() => start(controller.signal)) };
    this.jobs.set(project, job);
    const forget = () => {
      if (this.jobs.get(project) === job) this.jobs.delete(project);
    };
    job.done.then(forget, forget);
    return job.done;
  }

  /** Stop the clone of `project`; false when none is running. */
  cancel(project: string): boolean {
    const job = this.jobs.get(project);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  running(project: string): boolean {
    return this.jobs.has(project);
  }

  /** Does a running clone hold this (a hub link's key)? */
  inUse(key: string): boolean {
    for (const j of this.jobs.values()) if (j.uses === key) return true;
    return false;
  }

  /** Stop them all (the worker closes). */
  cancelAll(): void {
    for (const j of this.jobs.values()) j.controller.abort();
  }
}
