import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { Organisation, type OrganisationRole } from '@guichet/persistence';
import type { Stack } from './stack';

export interface Tenant {
  organisationId: string;
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
  const { token } = await new ApiTokenService(dataSource).issue({
    organisationId: organisation.id,
    name: 'tests',
    role,
  });
  return { organisationId: organisation.id, slug, token, auth: `Bearer ${token}` };
}
