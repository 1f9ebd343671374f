/**
 * The operator's administration of organisations, before anyone can sign in
 * to the studio (and for scripts afterwards).
 *
 *   npm run admin -- create-organisation --slug mairie-x --name "Mairie de X" --admin claire@mairie-x.fr
 *   npm run admin -- add-agent --organisation mairie-x --email lea@mairie-x.fr --role caseworker [--service cantine] [--group nord]
 *   npm run admin -- list [--organisation mairie-x]
 *
 * Works on DATABASE_URL, or else on the embedded PostgreSQL of a running `npm start` (DATA_DIR).
 * Exit codes: 0 done, 1 refused (bad input, unknown organisation, duplicate), 2 usage.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { OrganisationRole } from '@guichet/persistence';
import { AppError, errorMessage } from '@guichet/shared';
import { OrganisationAdmin, ROLES } from '../apps/api/src/organisations/organisation-admin';
import { openCliDatabase } from './cli-database';

const USAGE = `usage :
  npm run admin -- create-organisation --slug <identifiant> --name "<nom>" --admin <adresse>
  npm run admin -- add-agent --organisation <identifiant> --email <adresse> --role ${ROLES.join('|')} [--service <démarche>] [--group <groupe>]
  npm run admin -- list [--organisation <identifiant>]`;

class UsageError extends Error {}
/** Well-formed, but refused: exit code 1, no usage text. */
class Refused extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value || !value.trim()) throw new UsageError(`--${name} est obligatoire.`);
  return value;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || !['create-organisation', 'add-agent', 'list'].includes(command))
    throw new UsageError(command ? `commande inconnue : ${command}` : 'précisez une commande.');
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        slug: { type: 'string' },
        name: { type: 'string' },
        admin: { type: 'string' },
        organisation: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        service: { type: 'string' },
        group: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`arguments invalides (${(error as Error).message}).`);
  }
  // Check the arguments before connecting: a typo answers at once, even without a database.
  if (command === 'create-organisation') ['slug', 'name', 'admin'].forEach((n) => required(values, n));
  if (command === 'add-agent') {
    ['organisation', 'email', 'role'].forEach((n) => required(values, n));
    if (!ROLES.includes(values.role as OrganisationRole))
      throw new UsageError(`--role parmi : ${ROLES.join(', ')} (reçu : ${values.role}).`);
  }

  const dataSource = await openCliDatabase('guichet-admin-cli');
  try {
    const admin = new OrganisationAdmin(dataSource);
    if (command === 'create-organisation') {
      const { organisation, membership } = await admin.createOrganisation({
        slug: values.slug!,
        name: values.name!,
        adminEmail: values.admin!,
      });
      out(`Organisation créée : ${organisation.name} (${organisation.slug}, ${organisation.id}).`);
      out(`Administrateur : ${membership.email} — il peut se connecter au studio avec cette adresse.`);
      out(`Administration : /studio/organisations/${organisation.id}`);
    } else if (command === 'add-agent') {
      const organisation = await admin.findBySlug(values.organisation!);
      if (!organisation) throw new Refused(`organisation inconnue : ${values.organisation}`);
      const agent = await admin.addAgent(organisation.id, {
        email: values.email!,
        role: values.role as OrganisationRole,
        service: values.service ?? null,
        group: values.group ?? null,
      });
      const scope = [agent.service && `démarche ${agent.service.slug}`, agent.group && `groupe ${agent.group}`]
        .filter(Boolean)
        .join(', ');
      out(`Rôle ${agent.role} donné à ${agent.email} dans ${organisation.slug}${scope ? ` (${scope})` : ''}.`);
    } else if (values.organisation) {
      const organisation = await admin.findBySlug(values.organisation);
      if (!organisation) throw new Refused(`organisation inconnue : ${values.organisation}`);
      const agents = await admin.listAgents(organisation.id);
      out(`${organisation.name} (${organisation.slug}) — ${agents.length} rôle(s) :`);
      for (const a of agents) {
        const scope = [a.service && `démarche ${a.service.slug}`, a.group && `groupe ${a.group}`].filter(Boolean);
        out(`  ${a.email}  ${a.role}${scope.length ? `  (${scope.join(', ')})` : ''}`);
      }
    } else {
      const organisations = await admin.listOrganisations();
      if (organisations.length === 0) out('Aucune organisation.');
      for (const o of organisations)
        out(`${o.slug}  ${o.name}  — administrateurs : ${o.admins.length ? o.admins.join(', ') : 'aucun'}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`Erreur : ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof AppError) {
    // Pointers name the option: /admin is --admin.
    const details = (error.errors ?? [])
      .map((e) => `\n  ${e.pointer ? `--${e.pointer.slice(1)} : ` : ''}${e.message}`)
      .join('');
    process.stderr.write(`Erreur : ${errorMessage(error.code, 'fr', error.params)}${details}\n`);
    process.exit(1);
  }
  process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
