import type { DataSource } from 'typeorm';
import { Organisation } from './entities';

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
