import { LookupUnavailableError, type Company, type CompanyDirectory } from '@guichet/forms';
import type { ServiceDefinition } from '@guichet/shared';
import { prefetchedDirectory } from './siret-answers';

const ACTIVE = '91234567500017';
const DOWN = '53211098800013';

const definition = {
  formatVersion: 1,
  schema: {
    type: 'object',
    properties: {
      structure: {
        type: 'object',
        properties: { siret: { type: 'string', format: 'siret' }, raisonSociale: { type: 'string' } },
      },
      autres: {
        type: 'array',
        items: { type: 'object', properties: { siret: { type: 'string', format: 'siret' } } },
      },
    },
  },
  uiSchema: { structure: { 'ui:widget': 'siret' }, autres: { items: { 'ui:widget': 'siret' } } },
  pages: [{ id: 'p', title: 'P', fields: ['structure', 'autres'] }],
  settings: { signIn: 'none' },
} as unknown as ServiceDefinition;

const company = { siret: ACTIVE, raisonSociale: 'Les Amis du Parc' } as Company;

/** A directory that counts its calls: the active SIRET found, the other one down. */
function directory() {
  const calls: string[] = [];
  const inner: CompanyDirectory = {
    findBySiret(siret) {
      calls.push(siret);
      return siret === ACTIVE ? Promise.resolve(company) : Promise.reject(new LookupUnavailableError('timeout'));
    },
  };
  return { inner, calls };
}

describe('prefetchedDirectory', () => {
  it('asks the directory before the transaction, then answers from what it got without asking again', async () => {
    const { inner, calls } = directory();
    const data = { structure: { siret: ACTIVE }, autres: [{ siret: DOWN }] };
    const prefetched = await prefetchedDirectory(definition, data, inner);
    expect([...calls].sort()).toEqual([ACTIVE, DOWN].sort());

    await expect(prefetched!.findBySiret(ACTIVE)).resolves.toBe(company);
    await expect(prefetched!.findBySiret(DOWN)).rejects.toBeInstanceOf(LookupUnavailableError);
    expect(calls).toHaveLength(2);
  });

  it('treats a SIRET it was not asked about as the directory not answering, without a call', async () => {
    const { inner, calls } = directory();
    const prefetched = await prefetchedDirectory(definition, { structure: { siret: ACTIVE } }, inner);
    await expect(prefetched!.findBySiret('73282932000074')).rejects.toBeInstanceOf(LookupUnavailableError);
    expect(calls).toEqual([ACTIVE]);
  });

  it('is not needed for a form without a SIRET field or a process without a directory', async () => {
    const { inner, calls } = directory();
    const plain = { ...definition, uiSchema: {} } as ServiceDefinition;
    await expect(prefetchedDirectory(plain, { structure: { siret: ACTIVE } }, inner)).resolves.toBeUndefined();
    await expect(prefetchedDirectory(definition, {}, undefined)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});
