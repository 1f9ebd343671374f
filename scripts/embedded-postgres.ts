/**
 * Runs the embedded PostgreSQL on its own, until stdin closes or a signal
 * arrives. Tests use it for a server they may stop and start (a database
 * outage) without touching the machine's shared one; it prints one JSON line
 * `{"url": …, "pid": …}` once the server accepts connections.
 *
 *   node dist/scripts/embedded-postgres.js <dataDir> <port> [database]
 */
import { startEmbeddedPostgres } from '@guichet/persistence';

async function main(): Promise<void> {
  const [dataDir, port, database = 'guichet'] = process.argv.slice(2);
  if (!dataDir || !port) throw new Error('usage: embedded-postgres <dataDir> <port> [database]');
  const before = new Set(process.listeners('SIGINT').concat(process.listeners('SIGTERM')));
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), database });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l);
  }
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(JSON.stringify({ url: server.url, pid: server.pid }) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
