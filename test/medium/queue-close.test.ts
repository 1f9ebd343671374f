import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  DIST,
  collectOutput,
  freePort,
  startRedisServer,
  stopProcess,
  waitUntil,
  type RedisServer,
} from '../support/processes';

// An operator stopping Guichet during a Redis outage must see it stop: the workers' graceful close waits for
// Redis forever, so the connection gives up after its grace period, and nothing of it may keep the process
// alive afterwards (BullMQ's lock renewal timer did, forever). Run in a process of its own, built by
// `npm run build`, so that "the process ends by itself" is what is checked, not a count of events.
const SCRIPT = `
const { QueueConnection, QueueName } = require(${JSON.stringify(join(DIST, 'libs', 'queue', 'src'))});
const connection = new QueueConnection({
  kind: 'redis',
  redisUrl: process.argv[1],
  databaseUrl: 'postgres://unused',
  prefix: 'guichet-test-close-' + process.pid,
  closeGraceMs: 500,
});
connection.startWorker(QueueName.System, {}).on('error', () => undefined);
connection.queue(QueueName.System).getJobCounts('waiting').then(() => process.stdout.write('ready\\n'));
process.stdin.once('data', async () => {
  process.stdin.destroy();
  const started = Date.now();
  await connection.close();
  process.stdout.write('closed in ' + (Date.now() - started) + ' ms\\n');
});
`;

describe('closing the queue connection while Redis is down', () => {
  let redis: RedisServer | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child) await stopProcess(child, 'SIGKILL');
    await redis?.stop();
  });

  it('ends after the grace period, and the process then exits by itself', async () => {
    redis = await startRedisServer(await freePort());
    child = spawn(process.execPath, ['-e', SCRIPT, redis.url], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output = collectOutput(child);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await waitUntil('worker connected', 15_000, () => output.text().includes('ready') || undefined);

    await redis.stop();
    redis = undefined;
    child.stdin!.write('close\n');

    const closed = await waitUntil('close() returned', 10_000, () => /closed in (\d+) ms/.exec(output.text())?.[1]);
    expect(Number(closed)).toBeLessThan(5000);
    // BullMQ's blocking wait gives up after its own watchdog (drainDelay + 1 s); after that nothing may be left.
    const outcome = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000).unref()),
    ]);
    expect({ outcome, output: output.text() }).toEqual({ outcome: 0, output: expect.any(String) });
  });
});
