import { z } from 'zod';
import { createLogger, watchParent } from '@guichet/observability';
import { loadOrCreateKeys } from './keys';
import { createIdp } from './provider';

/** The bundled provider's own settings (the API's OIDC client settings live in the main configuration). */
const settingsSchema = z.object({
  IDP_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  IDP_HOST: z.string().min(1).default('127.0.0.1'),
  IDP_PUBLIC_URL: z.string().url().optional(),
  IDP_CLIENT_SECRET: z.string().min(32, 'doit compter au moins 32 caractères'),
  IDP_REDIRECT_URIS: z.string().min(1).default('http://localhost:3000/auth/callback'),
  IDP_POST_LOGOUT_REDIRECT_URIS: z.string().min(1).default('http://localhost:3000/'),
  DATA_DIR: z.string().min(1).default('./var'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

async function main(): Promise<void> {
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    process.stderr.write(`Configuration invalide : ${String(issue.path[0])} ${issue.message}.\n`);
    process.exit(1);
  }
  const env = parsed.data;
  const baseUrl = env.IDP_PUBLIC_URL ?? `http://localhost:${env.IDP_PORT}`;
  const { app, issuer } = await createIdp({
    baseUrl,
    keys: (await loadOrCreateKeys(env.DATA_DIR)).keys,
    clientSecret: env.IDP_CLIENT_SECRET,
    redirectUris: env.IDP_REDIRECT_URIS.split(',').map((s) => s.trim()),
    postLogoutRedirectUris: env.IDP_POST_LOGOUT_REDIRECT_URIS.split(',').map((s) => s.trim()),
    log: createLogger({ level: env.LOG_LEVEL, service: 'idp' }),
    production: env.NODE_ENV === 'production',
  });
  const server = app.listen(env.IDP_PORT, env.IDP_HOST, () => {
    process.stdout.write(JSON.stringify({ level: 'info', service: 'idp', msg: 'listening', issuer }) + '\n');
  });
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  watchParent(stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Guichet identity provider could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
