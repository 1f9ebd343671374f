import cluster, { type Worker } from 'node:cluster';

export interface ClusterOptions {
  /** How many processes serve; 1 runs `serve` in this very process, with no primary. */
  processes: number;
  /** `api` or `worker`: named in the primary's log lines. */
  service: string;
  /** Starts one process's work (listening on the shared port, consuming the queues…). */
  serve: () => Promise<void>;
  /** How long the primary waits for its processes to drain on SIGTERM before it kills them. */
  drainMs?: number;
  /** A process that dies is replaced after this pause (so a crash loop does not spin a core). */
  respawnDelayMs?: number;
}

const log = (service: string, msg: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(JSON.stringify({ level: 'info', service, msg, ...extra }) + '\n');

/**
 * One process per core with node:cluster. The primary does no work of its own:
 * it forks `processes` children that share the listening port (the kernel and
 * Node hand connections round-robin), replaces one that dies, and on SIGTERM or
 * SIGINT passes the signal on and waits for every child to drain before it
 * exits. Everything shared between processes already lives outside them:
 * sessions in PostgreSQL, rate-limit counters in Redis or PostgreSQL, jobs in
 * the queue.
 */
export async function runClustered(options: ClusterOptions): Promise<void> {
  if (options.processes <= 1 || cluster.isWorker) {
    await options.serve();
    return;
  }
  const drainMs = options.drainMs ?? 20_000;
  const respawnDelayMs = options.respawnDelayMs ?? 1000;
  let stopping = false;
  const live = new Set<Worker>();

  const fork = () => {
    const child = cluster.fork();
    live.add(child);
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (stopping) {
        if (live.size === 0) process.exit(0);
        return;
      }
      log(options.service, 'process exited, replacing it', { pid: child.process.pid, code, signal });
      setTimeout(() => {
        if (!stopping) fork();
      }, respawnDelayMs).unref();
    });
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(options.service, 'stopping every process', { processes: live.size, signal });
    if (live.size === 0) process.exit(0);
    for (const child of live) child.process.kill('SIGTERM');
    setTimeout(() => {
      for (const child of live) child.process.kill('SIGKILL');
      process.exit(1);
    }, drainMs).unref();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(signal));
  // Under `npm start` the launcher is our parent over IPC: when it goes, everything goes.
  if (process.send) process.on('disconnect', () => stop('SIGTERM'));

  for (let i = 0; i < options.processes; i++) fork();
  log(options.service, 'primary started', { processes: options.processes, pid: process.pid });
}
