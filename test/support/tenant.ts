import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { Organisation, type OrganisationRole } from '@guichet/persistence';
import { organisationId, type OrganisationId } from '@guichet/shared';
import type { Stack } from './stack';

export interface Tenant {
  organisationId: OrganisationId;
  slug: string;
  token: string;
  /** `Authorization` header value. */
  auth: string;
}

/** A fresh organisation and an API token with `role` in it: tests never see each other's data. */
export async function createTenant(stack: Stack, role: OrganisationRole = 'designer'): Promise<Tenant> {
  const dataSource = stack.api.get(DataSource);
  const slug = `commune-${randomBytes(4).toString('hex')}`;
  const organisation = await dataSource.getRepository(Organisation).save({ slug, name: `Commune de test ${slug}` });
  const id = organisationId(organisation.id);
  const { token } = await new ApiTokenService(dataSource).issue({ organisationId: id, name: 'tests', role });
  return { organisationId: id, slug, token, auth: `Bearer ${token}` };
}

/** Creates a service in the tenant's organisation from `definition` and publishes it (version 1), as the studio would. */
export async function publishService(
  baseUrl: string,
  designer: Tenant,
  service: { slug: string; title: string; definition: unknown },
): Promise<void> {
  await request(baseUrl)
    .post('/api/v1/services')
    .set('Authorization', designer.auth)
    .send({ ...service, organisationId: designer.organisationId })
    .expect(201);
  await request(baseUrl)
    .post(`/api/v1/services/${service.slug}/publish`)
    .set('Authorization', designer.auth)
    .expect(201);
}
