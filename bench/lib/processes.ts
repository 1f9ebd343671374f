import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** An API started by a bench: its address, its pid (for cpuSeconds) and how to stop it. */
export interface BenchApi {
  base: string;
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * Starts the API at `main` (a build's `apps/api/src/main.js`) on a free port with `env` over this process's
 * environment, and waits until /health/live answers (every 100 ms, `tries` times).
 */
export async function startApi(
  main: string,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; tries?: number; name?: string } = {},
): Promise<BenchApi> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) break;
    } catch {
      if (i > (options.tries ?? 300)) throw new Error(`${options.name ?? 'API'} did not start`);
    }
    await sleep(100);
  }
  return {
    base,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** SIGTERM, then SIGKILL after 20 s. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** The fields of /proc/<pid>/stat after the command's name; undefined when the process is gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); with `children`, those of the children it
 * has waited for too (pgbench run by execFileSync). NaN when unknown.
 */
export function cpuSeconds(pid: number | undefined, children = false): number {
  const fields = pid === undefined ? undefined : procStat(pid);
  if (!fields) return NaN;
  const ticks = [11, 12, ...(children ? [13, 14] : [])].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100; // clock ticks of 10 ms
}

/** The postmaster's pid, by the pid of a backend it started. */
const postmasters = new Map<number, number>();

/**
 * CPU seconds PostgreSQL has used so far: the postmaster, its live processes, and the backends that have exited
 * (the postmaster waited for them). Found from `backendPid`, any of its backends. NaN when unknown.
 */
export function postgresCpuSeconds(backendPid: number): number {
  // The postmaster found once: the backend may have ended since (a pool closes a connection left idle 10 s, as
  // bench:submit's during its API rounds, and every PostgreSQL figure read « ? »).
  const postmaster = postmasters.get(backendPid) ?? Number(procStat(backendPid)?.[1]);
  if (!Number.isInteger(postmaster) || postmaster <= 1) return NaN;
  postmasters.set(backendPid, postmaster);
  let total = cpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    if (fields && Number(fields[1]) === postmaster) total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/**
 * The local ports of the TCP connections a process holds (from /proc: its socket descriptors, then the kernel's
 * TCP tables of its network namespace). The API's connections to PostgreSQL show there as `client_port` in
 * `pg_stat_activity`: that is how `side-by-side` tells the backends of one API from those of the other.
 */
export function tcpLocalPorts(pid: number | undefined): Set<number> {
  const ports = new Set<number>();
  if (pid === undefined) return ports;
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return ports;
  }
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}
