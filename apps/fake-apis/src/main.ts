import { startFakeApis } from './fake-apis';

/**
 * The fake providers for development: `node dist/apps/fake-apis/src/main.js`
 * (port FAKE_APIS_PORT, 4010 by default), then
 * `ENTREPRISES_API_URL=http://127.0.0.1:4010/entreprises`,
 * `ASSOCIATIONS_API_URL=http://127.0.0.1:4010/associations`,
 * `PARTICULIER_API_URL=http://127.0.0.1:4010/particulier` (any bearer token). Refuses to run in production.
 */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    process.stderr.write('Les fausses API ne démarrent pas en production.\n');
    process.exit(1);
  }
  const port = Number(process.env.FAKE_APIS_PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('Configuration invalide : FAKE_APIS_PORT doit être un numéro de port.\n');
    process.exit(1);
  }
  const apis = await startFakeApis(port);
  process.stdout.write(
    JSON.stringify({
      level: 'info',
      service: 'fake-apis',
      msg: 'listening',
      url: apis.url,
      entreprises: apis.entreprisesUrl,
      associations: apis.associationsUrl,
      particulier: apis.particulierUrl,
    }) + '\n',
  );
  const stop = () => void apis.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
