// The image's health check, for every role: it reads which program runs as PID 1.
// - API: GET /health/live answers 200 (the load balancer uses /health/ready to pick replicas).
// - Worker: it has no HTTP port; it is healthy when the database and the queue backend it works on answer.
// - Migrations and command-line tools: one-shot, nothing to check.
// Exit 0 healthy, 1 not. Nothing is printed but the cause, and never a URL (they carry passwords).
'use strict';

const { readFileSync } = require('node:fs');

const TIMEOUT_MS = 4000;

function program() {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The promise, failing after TIMEOUT_MS, its error named after the dependency. */
function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} : pas de réponse en ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  const named = promise.catch((error) => {
    throw new Error(`${what} : ${error && error.message ? error.message : String(error)}`);
  });
  return Promise.race([named, timeout]).finally(() => clearTimeout(timer));
}

async function api() {
  const response = await withTimeout(fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health/live`), 'API');
  if (!response.ok) throw new Error(`API : /health/live répond ${response.status}`);
}

async function worker() {
  const { Client } = require('pg');
  const client = new Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await withTimeout(
      client.connect().then(() => client.query('SELECT 1')),
      'PostgreSQL',
    );
  } finally {
    client.end().catch(() => undefined);
  }
  if (process.env.REDIS_URL && process.env.QUEUE_BACKEND !== 'postgres') {
    const Redis = require('ioredis');
    const redis = new Redis(process.env.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: TIMEOUT_MS,
    });
    redis.on('error', () => undefined);
    try {
      await withTimeout(
        redis.connect().then(() => redis.ping()),
        'Redis',
      );
    } finally {
      redis.disconnect();
    }
  }
}

/** The role named on the command line (compose names it), or else the one PID 1 runs. */
function role() {
  if (process.argv[2]) return process.argv[2];
  const running = program();
  if (running.includes('apps/worker/')) return 'worker';
  if (running.includes('dist/scripts/')) return 'one-shot';
  return 'api';
}

async function main() {
  const checks = { api, worker, 'one-shot': async () => undefined };
  const check = checks[role()];
  if (!check) throw new Error(`rôle inconnu : ${role()} (api, worker ou one-shot)`);
  return check();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
