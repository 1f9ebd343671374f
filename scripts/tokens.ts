/**
 * Organisation API tokens, for integrations and for services kept in git.
 *
 *   npm run tokens -- create --organisation <slug> --role designer|admin|caseworker --name "<what it is for>"
 *   npm run tokens -- revoke --organisation <slug> <token-id>
 *
 * The token is printed once; only its hash is stored.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '@guichet/config';
import { ApiTokenService } from '@guichet/identity';
import { Organisation, createDataSource, type OrganisationRole } from '@guichet/persistence';

const ROLES: readonly OrganisationRole[] = ['admin', 'designer', 'caseworker'];

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { organisation: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.organisation) throw new Error('--organisation <slug> est obligatoire');
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  const dataSource = createDataSource({
    url: config.DATABASE_URL!,
    poolSize: 1,
    applicationName: 'guichet-tokens-cli',
  });
  await dataSource.initialize();
  try {
    const organisation = await dataSource.getRepository(Organisation).findOneBy({ slug: values.organisation });
    if (!organisation) throw new Error(`organisation inconnue : ${values.organisation}`);
    const tokens = new ApiTokenService(dataSource);
    if (command === 'create') {
      const role = values.role as OrganisationRole;
      if (!ROLES.includes(role)) throw new Error(`--role parmi : ${ROLES.join(', ')}`);
      if (!values.name) throw new Error('--name "<à quoi sert ce jeton>" est obligatoire');
      const { token, record } = await tokens.issue({ organisationId: organisation.id, name: values.name, role });
      process.stdout.write(
        `jeton ${record.id} (${role}, ${organisation.slug}) — il ne sera plus affiché :\n${token}\n`,
      );
    } else if (command === 'revoke') {
      const [id] = positionals;
      if (!id) throw new Error('usage: tokens revoke --organisation <slug> <token-id>');
      process.stdout.write(
        (await tokens.revoke(organisation.id, id)) ? 'jeton révoqué.\n' : 'aucun jeton actif avec cet identifiant.\n',
      );
    } else {
      throw new Error('usage: tokens create|revoke …');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
