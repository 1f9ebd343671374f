import { LookupUnavailableError, type Association, type AssociationRegistry } from '@guichet/forms';
import { AppError, type ServiceDefinition } from '@guichet/shared';
import { checkedRnas, prefetchedRegistry } from './rna-answers';

const ACTIVE = 'W452001234';
const DOWN = 'W751234567';

const definition = {
  formatVersion: 1,
  schema: {
    type: 'object',
    properties: {
      association: {
        type: 'object',
        properties: { rna: { type: 'string' }, nom: { type: 'string' }, provenance: { type: 'string' } },
      },
      membres: {
        type: 'array',
        items: { type: 'object', properties: { rna: { type: 'string' } } },
      },
    },
  },
  uiSchema: {
    association: { 'ui:widget': 'rna', 'ui:options': { locked: ['nom'] } },
    membres: { items: { 'ui:widget': 'rna' } },
  },
  pages: [{ id: 'p', title: 'P', fields: ['association', 'membres'] }],
  settings: { signIn: 'none' },
} as unknown as ServiceDefinition;

const association = { rna: ACTIVE, nom: 'LES AMIS DU LOIRET', etat: 'active' } as Association;

/** A registry that counts its calls: the active number found, the other one down. */
function registry() {
  const calls: string[] = [];
  const inner: AssociationRegistry = {
    findByRna(rna) {
      calls.push(rna);
      return rna === ACTIVE ? Promise.resolve(association) : Promise.reject(new LookupUnavailableError('timeout'));
    },
  };
  return { inner, calls };
}

describe('prefetchedRegistry', () => {
  it('asks the registry before the transaction, then answers from what it got without asking again', async () => {
    const { inner, calls } = registry();
    const data = { association: { rna: ACTIVE }, membres: [{ rna: DOWN }] };
    const prefetched = await prefetchedRegistry(definition, data, inner);
    expect([...calls].sort()).toEqual([ACTIVE, DOWN].sort());

    await expect(prefetched!.findByRna(ACTIVE)).resolves.toBe(association);
    await expect(prefetched!.findByRna(DOWN)).rejects.toBeInstanceOf(LookupUnavailableError);
    expect(calls).toHaveLength(2);
  });

  it('treats a number it was not asked about as the registry not answering, without a call', async () => {
    const { inner, calls } = registry();
    const prefetched = await prefetchedRegistry(definition, { association: { rna: ACTIVE } }, inner);
    await expect(prefetched!.findByRna('W452005678')).rejects.toBeInstanceOf(LookupUnavailableError);
    expect(calls).toEqual([ACTIVE]);
  });

  it('is not needed for a form without an RNA field or a process without a registry', async () => {
    const { inner, calls } = registry();
    const plain = { ...definition, uiSchema: {} } as ServiceDefinition;
    await expect(prefetchedRegistry(plain, { association: { rna: ACTIVE } }, inner)).resolves.toBeUndefined();
    await expect(prefetchedRegistry(definition, {}, undefined)).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });
});

describe('checkedRnas', () => {
  it('refuses a tampered locked value with SUBMISSION_INVALID and its pointer', async () => {
    const { inner } = registry();
    const error = await checkedRnas(definition, { association: { rna: ACTIVE, nom: 'AUTRE' } }, inner).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SUBMISSION_INVALID');
    expect((error as AppError).errors).toMatchObject([{ pointer: '/association/nom', code: 'valeur_verrouillee' }]);
  });

  it('keeps what was typed, unverified, when the registry does not answer', async () => {
    const { inner } = registry();
    await expect(checkedRnas(definition, { association: { rna: DOWN, nom: 'Chorale' } }, inner)).resolves.toEqual({
      association: { rna: DOWN, nom: 'Chorale', provenance: 'Saisie par l’usager, non vérifiée' },
    });
  });
});
