import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Actor } from '@guichet/identity';
import { organisationId as organisationIdOf } from '@guichet/shared';
import { ServiceCatalogue } from './service-catalogue';
import { ServiceRepository } from './service-repository';

/** The operator acting from the command line or at first start: admin of one organisation. */
export function operatorActor(organisationId: string, who = 'operator'): Actor {
  return { kind: 'agent', id: `cli:${who}`, roles: [{ organisationId, role: 'admin' }] };
}

/**
 * Imports and publishes the example services of `dir` into an organisation
 * that has none yet (first start). Returns the slugs imported; later starts
 * import nothing, so an operator's changes are never overwritten.
 */
export async function importExamples(dataSource: DataSource, organisationId: string, dir: string): Promise<string[]> {
  if ((await new ServiceRepository(dataSource).count(organisationIdOf(organisationId))) > 0) return [];
  const catalogue = new ServiceCatalogue(dataSource);
  const actor = operatorActor(organisationId, 'first-start');
  const imported: string[] = [];
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const content = JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown;
    const service = await catalogue.import(actor, { organisationId, file: content });
    await catalogue.publish(actor, service.slug);
    imported.push(service.slug);
  }
  return imported;
}
