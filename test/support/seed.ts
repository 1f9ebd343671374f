import type { DataSource } from 'typeorm';
import { FormVersion, Organisation, Service, Submission } from '@guichet/persistence';
import { canteenDefinition } from '../fixtures/canteen';

/**
 * Rows written straight to the database, for tests of a library below the
 * API (retention, storage, search): an organisation with the canteen service
 * published as version 1. Tests over HTTP publish through the studio instead.
 */
export async function seedCanteenService(ds: DataSource, slug: string) {
  const org = await ds.getRepository(Organisation).save({ slug, name: slug });
  const service = await ds.getRepository(Service).save({
    organisationId: org.id,
    slug: `cantine-${slug}`,
    title: 'Cantine',
    status: 'published',
    draftDefinition: canteenDefinition() as never,
    latestVersion: 1,
  });
  const version = await ds.getRepository(FormVersion).save({
    organisationId: org.id,
    serviceId: service.id,
    number: 1,
    definition: canteenDefinition() as never,
    contentHash: slug.padEnd(64, '0').slice(0, 64),
    publishedBy: 'test',
  });
  return { org, service, version };
}

/** A request on that service, owned by an anonymous citizen; `fields` overrides any column. */
export function seedRequest(
  ds: DataSource,
  { org, service, version }: Awaited<ReturnType<typeof seedCanteenService>>,
  fields: Partial<Submission> = {},
): Promise<Submission> {
  return ds.getRepository(Submission).save({
    organisationId: org.id,
    serviceId: service.id,
    formVersionId: version.id,
    versionNumber: 1,
    ownerAccountId: null,
    anonymousOwner: 'a'.repeat(64),
    status: 'draft',
    data: {},
    ...fields,
  } as Submission);
}
