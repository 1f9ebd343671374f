import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../support/database';
import { DIST, GiveUp, collectOutput, freePort, stopProcess, waitUntil } from '../support/processes';

/** The pid of the API process that answered, read from /metrics (guichet_api_process{pid="…"}). */
function answeringPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    // A new connection each time (no keep-alive): the cluster hands connections out in turn.
    const req = httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const match = /guichet_api_process\{pid="(\d+)"\} 1/.exec(text);
        resolve(match ? Number(match[1]) : undefined);
      });
    });
    req.setTimeout(5000, () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * API_PROCESSES=2 (issue 22): a primary forks two API processes sharing one
 * port; requests are served by both; one killed is replaced by a new one; on
 * SIGTERM the primary drains them all and exits, leaving none behind.
 */
describe('one API process per core (node:cluster)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let primary: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-cluster-'));
  });
  afterAll(async () => {
    if (primary && primary.exitCode === null) await stopProcess(primary, 'SIGKILL');
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves from two processes, replaces a dead one, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    primary = spawn(process.execPath, [join(DIST, 'apps', 'api', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        API_PROCESSES: '2',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        QUEUE_BACKEND: 'redis',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}`,
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(primary);
    const exited = new Promise<number | null>((resolve) => primary!.once('exit', (code) => resolve(code)));

    const seen = new Set<number>();
    await waitUntil('answers from two API processes', 60_000, async () => {
      if (primary!.exitCode !== null) throw new GiveUp(`the API exited: ${output.text()}`);
      const pid = await answeringPid(port);
      if (pid) seen.add(pid);
      return seen.size >= 2 || undefined;
    });
    const [first, second] = [...seen];
    expect(first).not.toBe(primary.pid);
    expect(second).not.toBe(primary.pid);

    process.kill(first!, 'SIGKILL');
    const replaced = await waitUntil('a third process replacing the killed one', 60_000, async () => {
      if (primary!.exitCode !== null) throw new GiveUp(`the API exited: ${output.text()}`);
      const pid = await answeringPid(port);
      return pid !== undefined && pid !== first && pid !== second ? pid : undefined;
    });
    expect(alive(second!)).toBe(true);
    expect(output.text()).toContain('process exited, replacing it');

    primary.kill('SIGTERM');
    const code = await waitUntil('the primary to exit', 60_000, () =>
      primary!.exitCode !== null ? exited : undefined,
    );
    expect({ code, output: code === 0 ? '' : output.text() }).toEqual({ code: 0, output: '' });
    expect(alive(second!)).toBe(false);
    expect(alive(replaced)).toBe(false);
    expect(await answeringPid(port)).toBeUndefined();
  }, 200_000);
});
