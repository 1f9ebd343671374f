import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MIGRATIONS } from '@guichet/persistence';
import { claimKey, resolveInstallation } from '@guichet/queue';
import { createTestDatabase, testRedisUrl } from '../support/database';
import { isProcessAlive as isAlive } from '@guichet/observability';
import { DIST, GiveUp, ROOT, collectOutput, freePort, stopProcess, waitUntil } from '../support/processes';

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL, no REDIS_URL. For the
 * "no Redis" case the launcher runs in a network namespace of its own (as
 * root), where nothing listens on 127.0.0.1:6379.
 * Start-up times are printed for the closing note, not asserted: the 60 s
 * bound is the acceptance line.
 */
interface Launch {
  child: ChildProcess;
  output: { text: () => string };
  readyMs: number;
}

const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const key of [
    'DATABASE_URL',
    'REDIS_URL',
    'QUEUE_BACKEND',
    'GUICHET_TEST_ADMIN_URL',
    'GUICHET_TEST_REDIS_URL',
    'ENTREPRISES_API_URL',
    'ASSOCIATIONS_API_URL',
    'ASSOCIATIONS_API_TOKEN',
    'PARTICULIER_API_URL',
    'PARTICULIER_API_TOKEN',
    'ADRESSE_API_URL',
  ])
    delete env[key];
  return { ...env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
};

async function launch(env: NodeJS.ProcessEnv, isolatedNetwork: boolean): Promise<Launch> {
  const script = join(DIST, 'scripts', 'start.js');
  const started = Date.now();
  const child = isolatedNetwork
    ? spawn('unshare', ['--net', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${script}"`], {
        env,
        cwd: ROOT,
      })
    : spawn(process.execPath, [script], { env, cwd: ROOT });
  const output = collectOutput(child);
  // The banner's last line, not « Guichet est prêt »: the lines between come in later chunks of stdout, and a
  // check made as soon as « prêt » arrives read a banner cut after « Studio » (CI, stop 26).
  await waitUntil('the start-up banner', 60_000, () => {
    if (child.exitCode !== null) throw new GiveUp('npm start exited early');
    return output.text().includes('Ctrl-C pour tout arrêter.') || undefined;
  }).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n--- output ---\n${output.text()}`);
  });
  return { child, output, readyMs: Date.now() - started };
}

function exampleFiles(): string[] {
  return readdirSync(join(ROOT, 'forms')).filter((f) => f.endsWith('.json'));
}

function postmasterPid(output: string): number | undefined {
  const pid = Number(/PostgreSQL embarqué \(.*, pid (\d+)\)/.exec(output)?.[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

describe('npm start from a fresh clone', () => {
  jest.setTimeout(180_000);
  let dataDir: string;
  const timings: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-start-'));
  });
  afterAll(async () => {
    process.stdout.write(`\n[start-up times] ${timings.join(' · ')}\n`);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('with no Redis listening: embedded PostgreSQL, PostgreSQL queue backend, ping completed; Ctrl-C leaves nothing', async () => {
    const env = {
      ...baseEnv(),
      // The level a newcomer gets (no LOG_LEVEL): Nest's « Mapped {…} route » lines would show at it.
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      // A directory configured: the launcher starts no fake one and says which it uses.
      ENTREPRISES_API_URL: 'http://127.0.0.1:9/entreprises',
      ASSOCIATIONS_API_URL: 'http://127.0.0.1:9/associations',
      PARTICULIER_API_URL: 'http://127.0.0.1:9/particulier',
      PARTICULIER_API_TOKEN: 'jeton-particulier-du-demarrage-0123',
      ADRESSE_API_URL: 'http://127.0.0.1:9/adresse',
    };
    const first = await launch(env, true);
    timings.push(`first start ${first.readyMs} ms`);
    const text = first.output.text();
    expect(text).toContain('PostgreSQL embarqué');
    expect(text).toContain(`migrations appliquées : ${MIGRATIONS.length}`);
    expect(text).toContain(`démarches d’exemple importées : ${exampleFiles().length}`);
    expect(text).toMatch(/File de travaux {2}postgres \(aucun Redis sur 127\.0\.0\.1:\d+\)/);
    expect(text).toMatch(/system\.ping traité en \d+ ms/);
    expect(text).toContain('Entreprises      répertoire Sirene http://127.0.0.1:9/entreprises');
    expect(text).toContain(
      'Associations     API Entreprise http://127.0.0.1:9/associations (sans ASSOCIATIONS_API_TOKEN : saisie par l’usager)',
    );
    expect(text).not.toContain('annuaire de démonstration');
    // API Particulier's token is a secret: the summary says there is one, never what it is.
    expect(text).toContain('Quotient familial API Particulier http://127.0.0.1:9/particulier (jeton [masqué])');
    expect(text).not.toContain('jeton-particulier-du-demarrage-0123');
    expect(text).toContain('Adresses         API Adresse http://127.0.0.1:9/adresse');
    expect(text).not.toContain('Base Adresse de démonstration');
    // The bundled IdP's oidc-provider start-up warning (in-memory store) is at debug in development (issue 20).
    expect(text).not.toMatch(/oidc-provider|you MUST change it/);
    // Nest's start-up chatter (about 80 « Mapped {…} route » lines) is at debug too (QuietBootLogger).
    expect(text).not.toMatch(/Mapped \{/);
    const pgPid = postmasterPid(text);
    expect(pgPid).toBeGreaterThan(0);

    await stopProcess(first.child, 'SIGINT', 30_000);
    expect(first.child.exitCode).toBe(0);
    expect(first.output.text()).toContain('arrêté.');
    expect(isAlive(pgPid)).toBe(false);

    // Restart on the same data: nothing to migrate, the data is still there.
    const second = await launch(env, true);
    timings.push(`restart ${second.readyMs} ms`);
    expect(second.output.text()).not.toContain('migrations appliquées');
    await stopProcess(second.child, 'SIGINT', 30_000);
    expect(isAlive(postmasterPid(second.output.text()))).toBe(false);
  });

  it('with Redis listening: the Redis backend, and the page and API answer', async () => {
    const port = await freePort();
    const env = {
      ...baseEnv(),
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(await freePort()),
      IDP_PORT: String(await freePort()),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `start${process.pid}`,
      MAILCATCHER_SMTP_PORT: String(await freePort()),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
    };
    const run = await launch(env, false);
    timings.push(`restart with Redis ${run.readyMs} ms`);
    try {
      expect(run.output.text()).toMatch(/File de travaux {2}redis \(REDIS_URL\)/);
      expect(run.output.text()).toContain(`— préfixe start${process.pid} (QUEUE_PREFIX)`);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { queue: { backend: 'redis', status: 'up' } } });
      const open = (await (
        await fetch(`http://127.0.0.1:${port}/api/v1/public/services?organisation=mairie-de-demo`)
      ).json()) as unknown[];
      expect(open).toHaveLength(exampleFiles().length);
      const discovery = await fetch(`http://127.0.0.1:${env.IDP_PORT}/api/v2/.well-known/openid-configuration`);
      expect(((await discovery.json()) as { acr_values_supported: string[] }).acr_values_supported).toEqual(['eidas1']);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toContain('<html lang="fr">');
      // No SMTP configured: mails go to the local catcher, whose page the banner gives.
      const mailbox = `http://127.0.0.1:${env.MAILCATCHER_HTTP_PORT}`;
      expect(run.output.text()).toContain(`Courriels        boîte de test ${mailbox}`);
      expect(await (await fetch(`${mailbox}/`)).text()).toContain('<html lang="fr">');
      // No ENTREPRISES_API_URL in development: the SIRET field's lookups go to the bundled fake directory.
      expect(run.output.text()).toMatch(
        /Entreprises {6}annuaire de démonstration http:\/\/127\.0\.0\.1:\d+\/entreprises /,
      );
      const company = await fetch(`http://127.0.0.1:${port}/api/v1/public/entreprises/91234567500017`);
      expect(company.status).toBe(200);
      expect(await company.json()).toMatchObject({
        siret: '91234567500017',
        raisonSociale: 'BOULANGERIE DU MAIL',
        etat: 'actif',
      });
      // Nor ASSOCIATIONS_API_URL: the RNA field's lookups go to the bundled fake registry, on the same server.
      expect(run.output.text()).toMatch(
        /Associations {5}répertoire de démonstration http:\/\/127\.0\.0\.1:\d+\/associations /,
      );
      const association = await fetch(`http://127.0.0.1:${port}/api/v1/public/associations/W452001234`);
      expect(association.status).toBe(200);
      expect(await association.json()).toMatchObject({ rna: 'W452001234', nom: 'LES AMIS DU LOIRET', etat: 'active' });
      // Nor PARTICULIER_API_URL: the family quotient goes to the bundled fake API Particulier, with a made-up
      // development token that is never printed.
      expect(run.output.text()).toMatch(
        /Quotient familial API Particulier de démonstration http:\/\/127\.0\.0\.1:\d+\/particulier /,
      );
      expect(run.output.text()).not.toMatch(/dev-[0-9a-f]{32}/);
      // Nor ADRESSE_API_URL: the address field's suggestions come from the bundled fake API Adresse.
      expect(run.output.text()).toMatch(
        /Adresses {9}Base Adresse de démonstration http:\/\/127\.0\.0\.1:\d+\/adresse /,
      );
      const addresses = await fetch(`http://127.0.0.1:${port}/api/v1/public/adresses?q=12%20rue%20des%20tilleuls`);
      expect(addresses.status).toBe(200);
      expect(((await addresses.json()) as { adresses: Array<{ banId: string }> }).adresses[0]?.banId).toBe(
        '45234_a120_00012',
      );

      // A second launcher on the same data refuses, and leaves the first one's database alone.
      const second = spawn(process.execPath, [join(DIST, 'scripts', 'start.js')], {
        env: { ...env, PORT: String(await freePort()), IDP_PORT: String(await freePort()) },
        cwd: ROOT,
      });
      const secondOutput = collectOutput(second);
      await waitUntil('second launcher exits', 20_000, () => second.exitCode !== null || undefined);
      expect(second.exitCode).toBe(1);
      expect(secondOutput.text()).toMatch(/Guichet tourne déjà sur .* \(pid \d+\)/);
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    } finally {
      await stopProcess(run.child, 'SIGINT', 30_000);
    }
    expect(run.child.exitCode).toBe(0);
  });

  it('starts beside another installation: a held default port moves to the next free one, a held port that was set stops it', async () => {
    // PORT's default, 3000: held by this test if it is free, by another program if not; held either way.
    const holder = createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(3000, '127.0.0.1', () => resolve());
    });
    const squatted = await freePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(squatted, '127.0.0.1', () => resolve()));
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(),
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      IDP_PORT: String(await freePort()),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `ports${process.pid}`,
      MAILCATCHER_SMTP_PORT: String(await freePort()),
      MAILCATCHER_HTTP_PORT: String(await freePort()),
    };
    delete env.PORT;
    delete env.PUBLIC_URL;
    try {
      // A port the operator set, held by another program: refused before anything starts, naming it.
      const refused = spawn(process.execPath, [join(DIST, 'scripts', 'start.js')], {
        env: { ...env, PORT: String(squatted) },
        cwd: ROOT,
      });
      const refusal = collectOutput(refused);
      await waitUntil('refusal', 30_000, () => refused.exitCode !== null || undefined);
      expect(refused.exitCode).toBe(1);
      expect(refusal.text()).toMatch(new RegExp(`Démarrage refusé : le port ${squatted} \\(PORT\\) est déjà pris`));

      // The default, held: moved, said, and served there.
      const run = await launch(env, false);
      try {
        const moved = /Ports {12}3000 → (\d+) \(PORT\)/.exec(run.output.text());
        expect(moved).not.toBeNull();
        expect(run.output.text()).toContain(`Portail          http://localhost:${moved![1]}/`);
        expect((await fetch(`http://127.0.0.1:${moved![1]}/health/ready`)).status).toBe(200);
      } finally {
        await stopProcess(run.child, 'SIGINT', 30_000);
      }
      expect(run.child.exitCode).toBe(0);
    } finally {
      const redis = new Redis(testRedisUrl());
      await redis.del(claimKey(`ports${process.pid}`));
      redis.disconnect();
      await new Promise((resolve) => squatter.close(resolve));
      await new Promise((resolve) => holder.close(() => resolve(undefined)));
    }
  });

  it('refuses, in one line, a queue prefix another database has claimed on the same Redis', async () => {
    const [owner, other] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const prefix = `claimed${process.pid}`;
    const redisUrl = testRedisUrl();
    try {
      await resolveInstallation({
        databaseUrl: owner.url,
        backend: { kind: 'redis', redisUrl, reason: 'test' },
        configuredPrefix: prefix,
      });
      const child = spawn(process.execPath, [join(DIST, 'scripts', 'start.js')], {
        env: {
          ...baseEnv(),
          DATABASE_URL: other.url,
          REDIS_URL: redisUrl,
          QUEUE_PREFIX: prefix,
          PORT: String(await freePort()),
        },
        cwd: ROOT,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += String(chunk)));
      child.stderr.on('data', (chunk) => (stderr += String(chunk)));
      await waitUntil('refusal', 30_000, () => child.exitCode !== null || undefined);
      expect(child.exitCode).toBe(1);
      expect(stderr).toMatch(
        new RegExp(
          `^Démarrage refusé : le préfixe de file « ${prefix} » est déjà pris dans Redis par une autre installation .*QUEUE_PREFIX.*\\n$`,
        ),
      );
      expect(stdout).toBe('');
      // Refused before anything was seeded in the other database.
      const { Client } = await import('pg');
      const client = new Client({ connectionString: other.url });
      await client.connect();
      const organisations = await client.query('SELECT count(*)::int AS n FROM organisation');
      await client.end();
      expect(organisations.rows[0].n).toBe(0);
    } finally {
      const redis = new Redis(redisUrl);
      await redis.del(claimKey(prefix));
      redis.disconnect();
      await Promise.all([owner.drop(), other.drop()]);
    }
  });

  it('stops with one line naming a wrong variable', async () => {
    const child = spawn(process.execPath, [join(DIST, 'scripts', 'start.js')], {
      env: { ...baseEnv(), PORT: 'quatre-mille' },
      cwd: ROOT,
    });
    const output = collectOutput(child);
    await waitUntil('exit', 20_000, () => child.exitCode !== null || undefined);
    expect(child.exitCode).toBe(1);
    expect(output.text()).toMatch(/Configuration invalide : PORT .*« quatre-mille »/);
  });
});
