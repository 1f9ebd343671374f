/**
 * Organisation API tokens, for integrations and for services kept in git.
 *
 *   npm run tokens -- create --organisation <slug> --role designer|admin|caseworker --name "<what it is for>" [--output FILE]
 *   npm run tokens -- revoke --organisation <slug> <token-id>
 *
 * Works on DATABASE_URL, or else on the embedded PostgreSQL of a running `npm start` (as `npm run admin`).
 * The token is printed once, alone on stdout (or written to FILE, mode 600), so that
 * `TOKEN=$(npm run --silent tokens -- create …)` holds the token and nothing else; its id and what to do
 * with it go to stderr. Only its hash is stored.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { Organisation, type OrganisationRole } from '@guichet/persistence';
import { openCliDatabase } from './cli-database';

const ROLES: readonly OrganisationRole[] = ['admin', 'designer', 'caseworker'];
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      organisation: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (command !== 'create' && command !== 'revoke') throw new Error('usage: tokens create|revoke …');
  if (!values.organisation) throw new Error('--organisation <slug> est obligatoire');
  const role = values.role as OrganisationRole;
  // Arguments are checked before connecting: a typo answers at once, even without a database.
  if (command === 'create') {
    if (!ROLES.includes(role)) throw new Error(`--role parmi : ${ROLES.join(', ')}`);
    if (!values.name) throw new Error('--name "<à quoi sert ce jeton>" est obligatoire');
  }
  if (command === 'revoke' && !positionals[0]) throw new Error('usage: tokens revoke --organisation <slug> <token-id>');

  const dataSource = await openCliDatabase('guichet-tokens-cli');
  try {
    const organisation = await dataSource.getRepository(Organisation).findOneBy({ slug: values.organisation });
    if (!organisation) throw new Error(`organisation inconnue : ${values.organisation}`);
    const tokens = new ApiTokenService(dataSource);
    if (command === 'create') {
      const { token, record } = await tokens.issue({
        organisationId: organisationId(organisation.id),
        name: values.name!,
        role,
      });
      if (values.output) {
        await writeFile(values.output, `${token}\n`, { mode: 0o600 });
        say(
          `jeton ${record.id} (${role}, ${organisation.slug}) écrit dans ${values.output} — il ne sera plus affiché.`,
        );
      } else {
        say(`jeton ${record.id} (${role}, ${organisation.slug}) — il ne sera plus affiché :`);
        process.stdout.write(`${token}\n`);
      }
    } else {
      const revoked = await tokens.revoke(organisationId(organisation.id), positionals[0]!);
      process.stdout.write(revoked ? 'jeton révoqué.\n' : 'aucun jeton actif avec cet identifiant.\n');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
