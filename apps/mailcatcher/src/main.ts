import { z } from 'zod';
import { startMailCatcher } from '@guichet/mail-catcher';
import { watchParent } from '@guichet/observability';

/**
 * The development mail catcher: `npm start` runs it when SMTP_URL is unset,
 * so that every email the worker sends can be read at http://127.0.0.1:1080.
 */
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'doit être un numéro de port' })
    .int('doit être un nombre entier')
    .min(0, 'doit être entre 0 et 65535')
    .max(65535, 'doit être entre 0 et 65535')
    .default(fallback);

const settingsSchema = z.object({
  MAILCATCHER_SMTP_PORT: port(1025),
  MAILCATCHER_HTTP_PORT: port(1080),
  MAILCATCHER_HOST: z.string().min(1).default('127.0.0.1'),
});

async function main(): Promise<void> {
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    process.stderr.write(`Configuration invalide : ${String(issue.path[0])} ${issue.message}.\n`);
    process.exit(1);
  }
  const env = parsed.data;
  const catcher = await startMailCatcher({
    host: env.MAILCATCHER_HOST,
    smtpPort: env.MAILCATCHER_SMTP_PORT,
    httpPort: env.MAILCATCHER_HTTP_PORT,
  });
  const host = env.MAILCATCHER_HOST.includes(':') ? `[${env.MAILCATCHER_HOST}]` : env.MAILCATCHER_HOST;
  process.stdout.write(
    JSON.stringify({
      level: 'info',
      service: 'mailcatcher',
      msg: 'listening',
      smtp: `smtp://${host}:${catcher.smtpPort}`,
      http: `http://${host}:${catcher.httpPort}`,
    }) + '\n',
  );
  const stop = () => catcher.close();
  watchParent(stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Guichet mail catcher could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
