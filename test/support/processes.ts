import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const DIST = join(ROOT, 'dist');

/** A free TCP port on 127.0.0.1, for a server a test starts itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Thrown from a waitUntil probe to stop waiting at once (the process died, say). */
export class GiveUp extends Error {}

export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Sends a signal and waits for the process to exit (SIGKILL after the grace period). */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** Collects a child's output so a test can wait for a line and show it on failure. */
export function collectOutput(child: ChildProcess): { text: () => string } {
  let text = '';
  child.stdout?.on('data', (chunk) => (text += String(chunk)));
  child.stderr?.on('data', (chunk) => (text += String(chunk)));
  return { text: () => text };
}

export interface EmbeddedServer {
  url: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the embedded PostgreSQL in its own process (see scripts/embedded-postgres.ts). */
export async function startEmbeddedServer(
  dataDir: string,
  port: number,
  database = 'guichet',
): Promise<EmbeddedServer> {
  const child = spawn(
    process.execPath,
    [join(DIST, 'scripts', 'embedded-postgres.js'), dataDir, String(port), database],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const output = collectOutput(child);
  const line = await waitUntil('embedded PostgreSQL', 90_000, () => {
    if (child.exitCode !== null) throw new GiveUp(`embedded PostgreSQL exited: ${output.text()}`);
    return output
      .text()
      .split('\n')
      .find((l) => l.startsWith('{"url"'));
  });
  const { url, pid } = JSON.parse(line) as { url: string; pid: number };
  return { url, pid, process: child, stop: () => stopProcess(child, 'SIGTERM', 30_000) };
}

export interface RedisServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a private redis-server (never the machine's shared one) for tests that stop it. */
export async function startRedisServer(port: number): Promise<RedisServer> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = collectOutput(child);
  child.on('error', () => undefined);
  await waitUntil('redis-server', 15_000, () => {
    if (child.exitCode !== null) throw new GiveUp(`redis-server exited: ${output.text()}`);
    return output.text().includes('Ready to accept connections') || undefined;
  });
  return { url: `redis://127.0.0.1:${port}`, process: child, stop: () => stopProcess(child, 'SIGTERM') };
}
