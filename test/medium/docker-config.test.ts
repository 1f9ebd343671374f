/**
 * docker/compose.yml, docker/Dockerfile and .dockerignore, checked where Docker
 * is absent: what the installation runs, in which order, with which settings,
 * where its data lives, and that the image can be built from the context.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_VARIABLES, attachmentStorageSettings, configSchema, loadConfig } from '@guichet/config';
import { parseYaml, type YamlValue } from '../support/yaml-subset';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Map = Record<string, YamlValue>;
const asMap = (value: YamlValue | undefined): Map =>
  value && typeof value === 'object' && !Array.isArray(value) ? value : {};
const asList = (value: YamlValue | undefined): YamlValue[] => (Array.isArray(value) ? value : []);

const compose = asMap(parseYaml(read('docker/compose.yml')));
const services = asMap(compose.services);
const names = Object.keys(services);
const service = (name: string) => asMap(services[name]);
/** The role a Guichet service runs (its command's first word, the entrypoint's argument), or null. */
const role = (name: string) =>
  asMap(service(name).build).dockerfile === 'docker/Dockerfile' ? String(asList(service(name).command)[0]) : null;
const withRole = (r: string) => names.filter((n) => role(n) === r);
const replicas = (name: string) => Number(asMap(service(name).deploy).replicas ?? 1);
const dependsOn = (name: string) => asMap(service(name).depends_on);

/** docker/guichet.env.example as the operator would copy it to docker/.env. */
function envFile(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of read('docker/guichet.env.example').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) values[m[1]!] = m[2]!;
  }
  return values;
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(text: string, env: Record<string, string>, used?: Set<string>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?)([-?])([^}]*))?\}/g, (all, name, colon, kind, arg) => {
    if (all === '$$') return '$';
    used?.add(name);
    const value = env[name];
    const missing = value === undefined || (colon === ':' && value === '');
    if (kind === '-') return missing ? arg : value!;
    if (kind === '?' && missing) throw new Error(`${name}: ${arg}`);
    return value ?? '';
  });
}

/** Every string in a value, interpolated. */
function interpolated(value: YamlValue, env: Record<string, string>, used?: Set<string>): YamlValue {
  if (typeof value === 'string') return interpolate(value, env, used);
  if (Array.isArray(value)) return value.map((v) => interpolated(v, env, used));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolated(v, env, used)]));
  return value;
}

/** The example with its secrets filled in as an operator would (hex, and Garage's key format). */
function filledEnv(): Record<string, string> {
  const env = envFile();
  for (const [name, value] of Object.entries(env)) if (value === '') env[name] = 'ab12'.repeat(16);
  env.S3_ACCESS_KEY_ID = `GK${'c3'.repeat(12)}`;
  env.METRICS_TOKEN = '';
  env.QUEUE_PREFIX = '';
  env.FC_ISSUER = env.FC_CLIENT_ID = env.FC_CLIENT_SECRET = '';
  env.AGENT_OIDC_ISSUER = env.AGENT_CLIENT_ID = env.AGENT_CLIENT_SECRET = '';
  env.WEBHOOK_ALLOW_HOSTS = env.EMBED_ORIGINS = '';
  return env;
}

describe('docker/compose.yml', () => {
  it('gives every long-running service a health check; the others are one-shot', () => {
    for (const name of names) {
      const s = service(name);
      const check = asMap(s.healthcheck);
      const oneShot = s.restart === 'no';
      if (oneShot) continue;
      expect({ name, test: asList(check.test).length > 0, disabled: check.disable === true }).toEqual({
        name,
        test: true,
        disabled: false,
      });
    }
  });

  it('runs two API replicas and two workers', () => {
    const apis = withRole('api');
    const workers = withRole('worker');
    expect(apis.reduce((sum, n) => sum + replicas(n), 0)).toBeGreaterThanOrEqual(2);
    expect(workers.reduce((sum, n) => sum + replicas(n), 0)).toBeGreaterThanOrEqual(2);
    // The health checks name the role they check (docker/healthcheck.js).
    for (const n of apis) expect(asList(asMap(service(n).healthcheck).test)).toContain('api');
    for (const n of workers) expect(asList(asMap(service(n).healthcheck).test)).toContain('worker');
  });

  it('runs the migrations once, before any API or worker starts', () => {
    const [migrate, ...others] = withRole('migrate');
    expect(others).toEqual([]);
    expect(service(migrate!).restart).toBe('no');
    expect(replicas(migrate!)).toBe(1);
    const postgres = names.find((n) => String(service(n).image).startsWith('postgres:'))!;
    expect(asMap(dependsOn(migrate!)[postgres]).condition).toBe('service_healthy');
    for (const n of [...withRole('api'), ...withRole('worker')])
      expect({ n, condition: asMap(dependsOn(n)[migrate!]).condition }).toEqual({
        n,
        condition: 'service_completed_successfully',
      });
  });

  it('puts the reverse proxy in front of every API replica, and only of them', () => {
    const caddyfile = read('docker/Caddyfile');
    const upstreams = /reverse_proxy\s+([^{\n]+)\{/.exec(caddyfile)![1]!.trim().split(/\s+/);
    const apis = withRole('api');
    expect(upstreams.sort()).toEqual(apis.map((n) => `${n}:3000`).sort());
    // A replica per service: the proxy addresses each by name.
    for (const n of apis) expect(replicas(n)).toBe(1);
    const proxy = names.find((n) => String(service(n).image).startsWith('caddy:'))!;
    expect(asList(service(proxy).volumes)).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
    for (const n of apis) expect(asMap(dependsOn(proxy)[n]).condition).toBe('service_healthy');
    // Caddy drops an idle connection to the API before the API does: it never sends a request on one just closed.
    const caddyKeepAlive = Number(/keepalive\s+(\d+)s/.exec(caddyfile)?.[1]);
    expect(caddyKeepAlive).toBeLessThan(loadConfig({}).SERVER_KEEP_ALIVE_SECONDS);
  });

  it('runs Redis with its append-only file on a volume', () => {
    const redis = names.find((n) => String(service(n).image).startsWith('redis:'))!;
    const command = asList(service(redis).command).map(String);
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it('keeps the data of PostgreSQL, Redis and the S3 store on named volumes', () => {
    const declared = Object.keys(asMap(compose.volumes));
    const mounts = (name: string) =>
      Object.fromEntries(
        asList(service(name).volumes).map((v) => {
          const [source, target] = String(v).split(':');
          return [target, source];
        }),
      );
    const byImage = (prefix: string) => names.find((n) => String(service(n).image).startsWith(prefix))!;
    const expected: [string, string][] = [
      [byImage('postgres:'), '/var/lib/postgresql/data'],
      [byImage('redis:'), '/data'],
      [byImage('dxflrs/garage:'), '/var/lib/garage/meta'],
      [byImage('dxflrs/garage:'), '/var/lib/garage/data'],
      // DATA_DIR of the image.
      ...withRole('api').map((n): [string, string] => [n, '/var/lib/guichet']),
    ];
    for (const [name, target] of expected) {
      const source = mounts(name)[target];
      expect({ name, target, named: !!source && declared.includes(source) }).toEqual({ name, target, named: true });
    }
  });

  it('sets only variables that libs/config reads, and they make a valid configuration', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const n of names.filter((name) => role(name))) {
      const unknown = Object.keys(asMap(service(n).environment)).filter((v) => !known.has(v));
      expect({ service: n, unknown }).toEqual({ service: n, unknown: [] });
    }
    const env = filledEnv();
    for (const r of ['api', 'worker', 'migrate']) {
      const values = interpolated(asMap(service(withRole(r)[0]!).environment), env) as Record<string, string>;
      const config = loadConfig(values, { requireDatabaseUrl: true });
      expect(config.NODE_ENV).toBe('production');
      expect(config.QUEUE_BACKEND).toBe('redis');
      expect(config.SESSION_SECRET).toBeTruthy();
      expect(config.SMTP_URL).toBe('smtp://guichet:CHANGE-ME@smtp.example.invalid:587');
      expect(config.PUBLIC_URL).toBe('https://demarches.example.fr');
      expect(attachmentStorageSettings(config)).toMatchObject({
        kind: 's3',
        endpoint: 'http://garage:3900',
        bucket: 'guichet',
        accessKeyId: env.S3_ACCESS_KEY_ID,
        forcePathStyle: true,
      });
      expect(new URL(config.DATABASE_URL!).hostname).toBe('postgres');
      expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
    }
  });

  it('gives the S3 store the bucket and the key that Guichet uses', () => {
    const env = filledEnv();
    const garage = interpolated(asMap(service('garage').environment), env) as Record<string, string>;
    const guichet = interpolated(asMap(service(withRole('api')[0]!).environment), env) as Record<string, string>;
    expect(asList(service('garage').command)).toEqual(['/garage', 'server', '--single-node', '--default-bucket']);
    expect(garage.GARAGE_DEFAULT_BUCKET).toBe(guichet.S3_BUCKET);
    expect(garage.GARAGE_DEFAULT_ACCESS_KEY).toBe(guichet.S3_ACCESS_KEY_ID);
    expect(garage.GARAGE_DEFAULT_SECRET_KEY).toBe(guichet.S3_SECRET_ACCESS_KEY);
    expect(read('docker/garage.toml')).toMatch(/s3_region = "garage"/);
    expect(guichet.S3_REGION).toBe('garage');
  });

  it('takes every value from docker/.env, ships no secret, and refuses to start without one', () => {
    const used = new Set<string>();
    interpolated(compose, filledEnv(), used);
    const example = envFile();
    // Every variable compose reads is documented in the example.
    expect([...used].filter((name) => !(name in example))).toEqual([]);
    // No secret in the example: each is empty, and compose stops on an empty one, naming it.
    const secrets = [...used].filter(
      (name) => SECRET_VARIABLES.has(name) || /PASSWORD|SECRET|TOKEN|ACCESS_KEY/.test(name),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const name of secrets) {
      if (name === 'SMTP_URL') continue;
      expect({ name, value: example[name] }).toEqual({ name, value: '' });
    }
    expect(() => interpolated(compose, envFile())).toThrow(/manque \(docker\/\.env\)/);
    // The SMTP relay is a placeholder that never resolves until the operator sets theirs.
    expect(new URL(example.SMTP_URL!).hostname).toMatch(/\.invalid$/);
  });
});

/** The instructions of a Dockerfile, continuation lines joined, by stage. */
function dockerfileStages(): { instruction: string; args: string }[][] {
  const stages: { instruction: string; args: string }[][] = [];
  const joined = read('docker/Dockerfile')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'FROM') stages.push([]);
    stages[stages.length - 1]!.push({ instruction: m[1]!, args: m[2]!.trim() });
  }
  return stages;
}

/** Docker's .dockerignore: the last matching pattern wins, `!` re-includes, a matched folder excludes its files. */
function dockerignored(path: string): boolean {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const regex = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/^\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '§')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/§/g, '(?:.*/)?')}$`,
    );
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = regex(negated ? raw.slice(1) : raw);
    if (prefixes.some((p) => pattern.test(p))) ignored = !negated;
  }
  return ignored;
}

describe('docker/Dockerfile and its build context', () => {
  const stages = dockerfileStages();
  const runtime = stages[stages.length - 1]!;
  const env = Object.fromEntries(
    runtime
      .filter((i) => i.instruction === 'ENV')
      .flatMap((i) => [...i.args.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  );

  it('installs with npm ci from the lockfile, never npm install', () => {
    const runs = stages.flat().filter((i) => i.instruction === 'RUN');
    expect(runs.some((r) => /\bnpm ci\b/.test(r.args))).toBe(true);
    expect(runs.filter((r) => /\bnpm (install|i)\b/.test(r.args))).toEqual([]);
    const copyLock = stages[0]!.find((i) => i.instruction === 'COPY' && i.args.includes('package-lock.json'));
    expect(copyLock).toBeDefined();
  });

  it('ships the example services where FORMS_DIR points', () => {
    const workdir = runtime.find((i) => i.instruction === 'WORKDIR')!.args;
    const copy = runtime.find((i) => i.instruction === 'COPY' && /\bforms\s+\.\/forms$/.test(i.args));
    expect(copy).toBeDefined();
    expect(env.FORMS_DIR).toBe(`${workdir}/forms`);
    expect(readdirSync(join(ROOT, 'forms')).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
  });

  it('runs as a non-root user who owns DATA_DIR and nothing else it was given', () => {
    const users = runtime.filter((i) => i.instruction === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1]!;
    expect(['root', '0', '0:0']).not.toContain(user);
    const dataDir = env.DATA_DIR!;
    expect(dataDir).toMatch(/^\//);
    const userAt = runtime.findIndex((i) => i.instruction === 'USER');
    const chown = runtime
      .slice(0, userAt)
      .find((i) => i.instruction === 'RUN' && new RegExp(`chown ${user}(:${user})? ${dataDir}\\b`).test(i.args));
    expect(chown).toBeDefined();
    // The application itself stays root's: the user cannot change the code it runs.
    expect(runtime.filter((i) => i.instruction === 'COPY' && i.args.includes('--chown'))).toEqual([]);
    expect(runtime.filter((i) => i.instruction === 'RUN' && /chown\b[^&]*\/app\b/.test(i.args))).toEqual([]);
    expect(runtime.some((i) => i.instruction === 'VOLUME' && i.args.includes(dataDir))).toBe(true);
    expect(runtime.some((i) => i.instruction === 'HEALTHCHECK')).toBe(true);
  });

  it('copies from the build context only what exists and is not ignored', () => {
    for (const stage of stages)
      for (const copy of stage.filter((i) => i.instruction === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args.split(/\s+/).slice(0, -1);
        for (const source of sources.filter((s) => s !== '.')) {
          expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
          expect({ source, ignored: dockerignored(source) }).toEqual({ source, ignored: false });
        }
      }
  });

  it('starts each role from a program the build produces', () => {
    const entrypoint = read('docker/entrypoint.sh');
    for (const [r, source] of [
      ['api', 'apps/api/src/main.ts'],
      ['worker', 'apps/worker/src/main.ts'],
      ['migrate', 'scripts/migrate.ts'],
    ] as const) {
      expect(entrypoint).toContain(`${r}) exec node ${source.replace(/\.ts$/, '.js').replace(/^/, 'dist/')}`);
      expect(existsSync(join(ROOT, source))).toBe(true);
    }
    expect(entrypoint).toMatch(/admin \| forms \| tokens\) exec node "dist\/scripts\/\$role\.js"/);
  });

  it('keeps in the build context what the build needs, and leaves out what it must not copy', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      '.swcrc',
      'tsconfig.base.json',
      'apps/api/src/main.ts',
      'apps/worker/src/main.ts',
      'apps/web/index.html',
      'apps/web/vite.config.mts',
      'libs/config/src/config.ts',
      'scripts/migrate.ts',
      'scripts/admin.ts',
      // build:server compiles bench/ too.
      'bench',
      'docker/entrypoint.sh',
      'docker/healthcheck.js',
      ...readdirSync(join(ROOT, 'forms')).map((f) => `forms/${f}`),
    ];
    expect(needed.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
    expect(needed.filter(dockerignored)).toEqual([]);
    const excluded = [
      'node_modules/pg/package.json',
      'apps/web/node_modules/x',
      'dist/apps/api/src/main.js',
      'var/postgres/PG_VERSION',
      '.env',
      'docker/.env',
      '.git/HEAD',
    ];
    expect(excluded.filter((p) => !dockerignored(p))).toEqual([]);
  });
});
