import type { Association, AssociationRegistry, Company, CompanyDirectory } from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';
import { checkedLookups, prefetchLookups } from './lookup-answers';

const SIRET = '84512345400017';
const RNA = 'W452001234';

const definition = {
  formatVersion: 1,
  schema: {
    type: 'object',
    properties: {
      structure: {
        type: 'object',
        properties: { siret: { type: 'string' }, raisonSociale: { type: 'string' }, provenance: { type: 'string' } },
      },
      association: {
        type: 'object',
        properties: { rna: { type: 'string' }, nom: { type: 'string' }, provenance: { type: 'string' } },
      },
    },
  },
  uiSchema: {
    structure: { 'ui:widget': 'siret', 'ui:options': { locked: ['raisonSociale'] } },
    association: { 'ui:widget': 'rna', 'ui:options': { locked: ['nom'] } },
  },
  pages: [{ id: 'p', title: 'P', fields: ['structure', 'association'] }],
  settings: { signIn: 'none' },
} as unknown as ServiceDefinition;

const company = {
  siret: SIRET,
  siren: SIRET.slice(0, 9),
  raisonSociale: 'LES AMIS DU LOIRET',
  formeJuridique: 'Association déclarée',
  natureJuridique: '9220',
  adresse: '5 RUE DES FRANCS BOURGEOIS',
  codePostal: '45000',
  commune: 'ORLEANS',
  codeNaf: '94.99Z',
  etat: 'actif',
} satisfies Company;

function providers() {
  const asked: string[] = [];
  const companies: CompanyDirectory = {
    findBySiret: (siret) => (asked.push(siret), Promise.resolve(siret === SIRET ? company : null)),
  };
  const associations: AssociationRegistry = {
    findByRna: (rna) => (
      asked.push(rna),
      Promise.resolve(rna === RNA ? ({ rna, nom: 'LES AMIS DU LOIRET', etat: 'active' } as Association) : null)
    ),
  };
  return { asked, providers: { companies, associations } };
}

describe('lookup answers at submit', () => {
  it('asks every provider before the transaction, then checks from those answers only', async () => {
    const { asked, providers: all } = providers();
    const data = {
      structure: { siret: SIRET, raisonSociale: 'LES AMIS DU LOIRET' },
      association: { rna: RNA, nom: 'LES AMIS DU LOIRET' },
    };
    const prefetched = await prefetchLookups(definition, data, all, null);
    expect(asked.sort()).toEqual([SIRET, RNA].sort());
    const checked = await checkedLookups(definition, data, prefetched, null);
    expect(asked).toHaveLength(2);
    expect(checked.structure).toMatchObject({ provenance: 'Répertoire Sirene (INSEE)' });
    expect((checked.association as { provenance?: string }).provenance).toMatch(/Répertoire national des associations/);
  });

  it('reports the refusals of every lookup field together, each with its pointer', async () => {
    const { providers: all } = providers();
    const tampered = {
      structure: { siret: SIRET, raisonSociale: 'UNE AUTRE' },
      association: { rna: RNA, nom: 'UNE AUTRE' },
    };
    const prefetched = await prefetchLookups(definition, tampered, all, null);
    const refused = await checkedLookups(definition, tampered, prefetched, null).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('SUBMISSION_INVALID');
    expect((refused as AppError).errors?.map((e) => e.pointer)).toEqual([
      '/structure/raisonSociale',
      '/association/nom',
    ]);
  });
});
