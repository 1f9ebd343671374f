/**
 * The operator's administration of organisations, before anyone can sign in
 * to the studio (and for scripts afterwards).
 *
 *   npm run admin -- create-organisation --slug mairie-x --name "Mairie de X" --admin claire@mairie-x.fr
 *   npm run admin -- add-agent --organisation mairie-x --email lea@mairie-x.fr --role caseworker [--service cantine] [--group nord]
 *   npm run admin -- list [--organisation mairie-x]
 *   npm run admin -- export-organisation mairie-x --output mairie-x.zip   (a commune that leaves: docs/operations.md)
 *   npm run admin -- import-organisation mairie-x.zip
 *   npm run admin -- reindex [--batch-size 1000] [--max-batches N]   (the desk's search vectors: docs/operations.md)
 *
 * Works on DATABASE_URL, or else on the embedded PostgreSQL of a running `npm start` (DATA_DIR).
 * Exit codes: 0 done, 1 refused (bad input, unknown organisation, duplicate), 2 usage.
 */
import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '@guichet/config';
import { OrganisationArchiveError, exportOrganisation, importOrganisation } from '@guichet/desk';
import { OrganisationAdmin, ROLES } from '@guichet/identity';
import type { OrganisationRole } from '@guichet/persistence';
import { AppError, errorMessage, organisationId } from '@guichet/shared';
import { attachmentStorage, reindexSearch } from '@guichet/submissions';
import { openCliDatabase } from './cli-database';
import type { DataSource } from 'typeorm';

const USAGE = `usage :
  npm run admin -- create-organisation --slug <identifiant> --name "<nom>" --admin <adresse>
  npm run admin -- add-agent --organisation <identifiant> --email <adresse> --role ${ROLES.join('|')} [--service <démarche>] [--group <groupe>]
  npm run admin -- list [--organisation <identifiant>]
  npm run admin -- export-organisation <identifiant|id> --output <archive.zip>
  npm run admin -- import-organisation <archive.zip>
  npm run admin -- reindex [--batch-size <1-10000>] [--max-batches <n>]`;

class UsageError extends Error {}
/** Well-formed, but refused: exit code 1, no usage text. */
class Refused extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value || !value.trim()) throw new UsageError(`--${name} est obligatoire.`);
  return value;
}

/** A whole number option within bounds, or undefined when absent. */
function count(values: Record<string, string | undefined>, name: string, min: number, max: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`--${name} : un nombre entier de ${min} à ${max} (reçu : ${value}).`);
  return n;
}

/**
 * Rebuilds the desk's search vectors (requests submitted before accents and case were folded): progress on
 * stderr, the summary on stdout. Safe while Guichet serves; stopped or cut short, it is run again.
 */
async function reindex(dataSource: DataSource, batchSize?: number, maxBatches?: number): Promise<void> {
  const started = Date.now();
  const summary = await reindexSearch(dataSource, {
    batchSize,
    maxBatches,
    onProgress: (p) =>
      process.stderr.write(`reindex : ${p.scanned}/${p.total} demandes lues, ${p.updated} vecteurs réécrits\n`),
  });
  out(
    `Index de recherche : ${summary.scanned} demande(s) lue(s), ${summary.updated} vecteur(s) réécrit(s), ${summary.unchanged} déjà à jour, en ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  if (!summary.complete)
    out(
      `Arrêt après ${summary.batches} lot(s) (--max-batches) : relancez la commande pour finir ; les demandes déjà à jour ne sont pas réécrites.`,
    );
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const COMMANDS = [
    'create-organisation',
    'add-agent',
    'list',
    'export-organisation',
    'import-organisation',
    'reindex',
  ];
  if (!command || !COMMANDS.includes(command))
    throw new UsageError(command ? `commande inconnue : ${command}` : 'précisez une commande.');
  let values: Record<string, string | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: command === 'export-organisation' || command === 'import-organisation',
      options: {
        output: { type: 'string' },
        slug: { type: 'string' },
        name: { type: 'string' },
        admin: { type: 'string' },
        organisation: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        service: { type: 'string' },
        group: { type: 'string' },
        'batch-size': { type: 'string' },
        'max-batches': { type: 'string' },
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

  if (command === 'export-organisation') {
    if (positionals.length !== 1) throw new UsageError('précisez une organisation (identifiant ou id).');
    if (!values.output?.endsWith('.zip')) throw new UsageError('--output <archive.zip> est obligatoire.');
  }
  if (command === 'import-organisation' && positionals.length !== 1)
    throw new UsageError('précisez le fichier de l’archive.');
  const batchSize = count(values, 'batch-size', 1, 10_000);
  const maxBatches = count(values, 'max-batches', 1, Number.MAX_SAFE_INTEGER);

  const dataSource = await openCliDatabase('guichet-admin-cli', command.endsWith('-organisation') ? 2 : 1);
  try {
    const admin = new OrganisationAdmin(dataSource);
    if (command === 'reindex') {
      await reindex(dataSource, batchSize, maxBatches);
    } else if (command === 'export-organisation') {
      await exportArchive(dataSource, positionals[0]!, values.output!);
    } else if (command === 'import-organisation') {
      const storage = attachmentStorage(loadConfig(process.env));
      const started = Date.now();
      const { organisation, counts, accountsMerged } = await importOrganisation(dataSource, storage, positionals[0]!);
      out(`Organisation importée : ${organisation.name} (${organisation.slug}, ${organisation.id}).`);
      out(
        `${counts.services} démarche(s), ${counts.versions} version(s), ${counts.requests} dossier(s), ${counts.attachments} pièce(s) jointe(s), ${counts.memberships} rôle(s) d’agent — en ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      if (accountsMerged) out(`${accountsMerged} compte(s) déjà connus ici ont été repris.`);
      out('Les agents se reconnectent avec leur fournisseur d’identité ; les secrets de webhook sont à régénérer.');
    } else if (command === 'create-organisation') {
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
      const agent = await admin.addAgent(organisationId(organisation.id), {
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
      const agents = await admin.listAgents(organisationId(organisation.id));
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

/** Writes the archive next to its destination, then renames it: a failure never leaves a truncated FILE.zip. */
async function exportArchive(dataSource: import('typeorm').DataSource, ref: string, output: string): Promise<void> {
  const storage = attachmentStorage(loadConfig(process.env));
  const partial = `${output}.partial`;
  const started = Date.now();
  try {
    const manifest = await exportOrganisation(dataSource, storage, ref, createWriteStream(partial, { flags: 'wx' }), {
      software: process.env.npm_package_version,
    });
    await rename(partial, output);
    const { counts } = manifest;
    out(
      `Archive écrite : ${output} (${manifest.files.length + 1} fichiers, en ${((Date.now() - started) / 1000).toFixed(1)} s).`,
    );
    out(
      `${manifest.organisation.name} : ${counts.services} démarche(s), ${counts.versions} version(s), ${counts.requests} dossier(s), ${counts.attachments} pièce(s) jointe(s), ${counts.memberships} rôle(s) d’agent.`,
    );
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof OrganisationArchiveError) {
    process.stderr.write(`Erreur : ${error.message}\n`);
    process.exit(1);
  }
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
