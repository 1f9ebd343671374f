import { prefillPromise } from './prefill-promise';

describe('what a service promises FranceConnect fills', () => {
  it('says only what the service prefills, and whether it can be changed', () => {
    expect(
      prefillPromise(
        [
          { claim: 'family_name', pointer: '/a', locked: false },
          { claim: 'given_name', pointer: '/b', locked: false },
        ],
        'fr',
      ),
    ).toBe(
      'Cette démarche demande de vous identifier avec FranceConnect : vos nom et prénom seront remplis pour vous (vous pourrez les corriger).',
    );
    expect(
      prefillPromise(
        [
          { claim: 'family_name', pointer: '/a', locked: true },
          { claim: 'given_name', pointer: '/b', locked: true },
          { claim: 'birthdate', pointer: '/c', locked: true },
        ],
        'fr',
      ),
    ).toBe(
      'Cette démarche demande de vous identifier avec FranceConnect : vos nom, prénom et date de naissance seront remplis pour vous (ils ne pourront pas être modifiés).',
    );
    expect(prefillPromise([], 'fr')).toBe('Cette démarche demande de vous identifier avec FranceConnect.');
  });
});
