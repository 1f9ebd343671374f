/**
 * A preload that counts what a process sends to PostgreSQL and Redis (issue 22: the worker's CPU per receipt went
 * to per-wake-up costs): pg queries by statement (its first words), Redis commands by name, and socket writes by
 * remote port (what `writev` in a CPU profile pays for). Written each second and at exit to `$ROUND_TRIPS_DIR/<pid>.json`, and on
 * SIGUSR2 (counts since the last SIGUSR2, so a window can be cut out of a run).
 *
 *   BENCH_NODE_ARGS="--require ./dist/bench/lib/round-trips.js" ROUND_TRIPS_DIR=/tmp/rt \
 *     BENCH_ONLY=latency BENCH_RATE=50 node dist/bench/workflow.bench.js
 *
 * Not loaded by anything in the app: a measuring aid for benches only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

const dir = process.env.ROUND_TRIPS_DIR ?? '/tmp/round-trips';
let counts = fresh();
let window = 0;

function fresh() {
  return {
    pg: {} as Record<string, number>,
    redis: {} as Record<string, number>,
    writes: {} as Record<string, number>,
  };
}

function add(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** The statement's first words, enough to tell them apart, parameters never included. */
function label(text: unknown): string {
  const sql = typeof text === 'string' ? text : ((text as { text?: string } | undefined)?.text ?? '?');
  return sql.replace(/\s+/g, ' ').trim().slice(0, 90);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require('pg') as typeof import('pg');
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  add(counts.pg, label(args[0]));
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Redis } = require('ioredis') as typeof import('ioredis');
const sendCommand = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
Redis.prototype.sendCommand = function (this: unknown, ...args: unknown[]) {
  const command = args[0] as { name?: string; args?: unknown[] };
  // BullMQ's scripts go as evalsha: their key count and first key name them well enough (…:wait, …:active).
  const name =
    command?.name === 'evalsha'
      ? `evalsha ${String(command.args?.[2] ?? '').replace(/^\{[^}]*\}:/, '')}`
      : String(command?.name);
  add(counts.redis, name);
  return sendCommand.apply(this, args);
} as typeof Redis.prototype.sendCommand;

const socket = Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
const writeGeneric = socket._writeGeneric;
socket._writeGeneric = function (this: Socket, ...args: unknown[]) {
  add(counts.writes, String(this.remotePort ?? 'other'));
  return writeGeneric.apply(this, args);
};

function dump(suffix: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${process.pid}${suffix}.json`),
    JSON.stringify({ argv: process.argv.slice(1), at: new Date().toISOString(), ...counts }, null, 1),
  );
}

process.on('SIGUSR2', () => {
  dump(`-w${window++}`);
  counts = fresh();
});
process.on('exit', () => dump(''));
// Nest ends the process on SIGTERM by raising it again, with no 'exit' event: the totals are also written each second.
setInterval(() => dump(''), 1000).unref();
