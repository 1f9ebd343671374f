/**
 * Services as files, for developers and advanced designers who keep them in git.
 *
 *   npm run forms -- lint <file.json>...                      check files, no database needed
 *   npm run forms -- import <file.json> --organisation <slug> [--publish] [--slug s] [--title t]
 *   npm run forms -- export <service-slug> [--output FILE]    the portable file on stdout, or in FILE
 *
 * Works on DATABASE_URL, or else on the embedded PostgreSQL of a running `npm start` (as `npm run admin`).
 * `export` writes the file and nothing else on stdout; npm's own banner (« > guichet@… forms ») is npm's:
 * `npm run --silent forms -- export … > f.json`, or `--output f.json`. Errors go to stderr.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ServiceCatalogue, checkDefinition, operatorActor, readImport } from '@guichet/forms';
import { Organisation, Service } from '@guichet/persistence';
import { AppError, errorMessage, type ErrorItem } from '@guichet/shared';
import type { DataSource } from 'typeorm';
import { openCliDatabase } from './cli-database';

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string) => process.stderr.write(`${line}\n`);
/** Messages that are not the command's data: stderr, so that stdout holds only the data. */
const say = fail;

function printErrors(file: string, errors: ErrorItem[]): void {
  for (const e of errors) fail(`${file}: ${e.pointer || '/'} [${e.code}] ${e.message}`);
}

async function lint(files: string[]): Promise<number> {
  if (files.length === 0) throw new Error('usage: forms lint <file.json>...');
  let failures = 0;
  for (const file of files) {
    let content: unknown;
    try {
      content = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      fail(`${file}: JSON illisible : ${(error as Error).message}`);
      failures++;
      continue;
    }
    const read = readImport(content);
    if (!read) {
      fail(`${file}: ni un export Guichet, ni une définition, ni un schéma JSON.`);
      failures++;
      continue;
    }
    const check = checkDefinition(read.definition);
    if (check.ok) out(`✓ ${file}`);
    else {
      printErrors(file, check.errors);
      failures++;
    }
  }
  return failures ? 1 : 0;
}

async function withDatabase<T>(run: (catalogue: ServiceCatalogue, ds: DataSource) => Promise<T>): Promise<T> {
  const dataSource = await openCliDatabase('guichet-forms-cli', 2);
  try {
    return await run(new ServiceCatalogue(dataSource), dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      organisation: { type: 'string' },
      publish: { type: 'boolean', default: false },
      slug: { type: 'string' },
      title: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  switch (command) {
    case 'lint':
      return lint(positionals);
    case 'import': {
      const [file] = positionals;
      if (!file || !values.organisation)
        throw new Error(
          'usage: forms import <file.json> --organisation <slug> [--publish] [--slug <slug>] [--title <titre>]',
        );
      const content = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return withDatabase(async (catalogue, ds) => {
        const organisation = await ds.getRepository(Organisation).findOneBy({ slug: values.organisation });
        if (!organisation) throw new Error(`organisation inconnue : ${values.organisation}`);
        const actor = operatorActor(organisation.id);
        const service = await catalogue.import(actor, {
          organisationId: organisation.id,
          file: content,
          slug: values.slug,
          title: values.title,
        });
        out(`démarche créée : ${service.slug}`);
        if (values.publish) out(`version publiée : ${(await catalogue.publish(actor, service.slug)).version}`);
        return 0;
      });
    }
    case 'export': {
      const [slug] = positionals;
      if (!slug) throw new Error('usage: forms export <service-slug> [--output <fichier.json>]');
      return withDatabase(async (catalogue, ds) => {
        const service = await ds.getRepository(Service).findOneBy({ slug });
        if (!service) throw new Error(`démarche inconnue : ${slug}`);
        const file =
          JSON.stringify(await catalogue.export(operatorActor(service.organisationId), slug), null, 2) + '\n';
        if (values.output) {
          await writeFile(values.output, file);
          say(`démarche ${slug} exportée dans ${values.output}`);
        } else process.stdout.write(file);
        return 0;
      });
    }
    default:
      throw new Error('usage: forms lint|import|export …');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AppError) {
      printErrors('erreur', error.errors ?? []);
      fail(errorMessage(error.code, 'fr', error.params));
    } else fail(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
