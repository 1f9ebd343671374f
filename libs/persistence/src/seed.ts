import type { DataSource } from 'typeorm';
import { AgentMembership, Organisation, type OrganisationRole } from './entities';

export const DEMO_ORGANISATION = { slug: 'mairie-de-demo', name: 'Mairie de Démo-sur-Loire' } as const;

/** Creates the demo organisation once; later starts leave it as the operator changed it. */
export async function seedDemoOrganisation(dataSource: DataSource): Promise<Organisation> {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(Organisation)
    .values({ ...DEMO_ORGANISATION })
    .orIgnore()
    .execute();
  return dataSource.getRepository(Organisation).findOneByOrFail({ slug: DEMO_ORGANISATION.slug });
}

/** The demo organisation's agents, as the bundled identity provider knows them (apps/idp). */
export const DEMO_AGENTS: ReadonlyArray<{ email: string; role: OrganisationRole }> = [
  { email: 'sophie.marchand@mairie-de-demo.fr', role: 'admin' },
  { email: 'claire.rousseau@mairie-de-demo.fr', role: 'designer' },
  { email: 'lea.fontaine@mairie-de-demo.fr', role: 'caseworker' },
  { email: 'karim.haddad@mairie-de-demo.fr', role: 'caseworker' },
];

/** Gives the demo agents their roles once; an admin's later changes stay. */
export async function seedDemoAgents(dataSource: DataSource, organisationId: string): Promise<void> {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(AgentMembership)
    .values(DEMO_AGENTS.map((a) => ({ ...a, organisationId })))
    .orIgnore()
    .execute();
}
