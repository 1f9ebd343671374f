import {
  HttpAssociationRegistry,
  LookupUnavailableError,
  RNA_PROVENANCE,
  checkRnas,
  parseAssociationAnswer,
  rnaFields,
  type Association,
  type AssociationRegistry,
} from '@guichet/forms';
import { normaliseRna } from '@guichet/shared';
import { answerAssociation, MISBEHAVING_RNA } from './associations';

const PATH = '/v4/djepva/api-association/associations/open_data/';
const answerFor = (rna: string) => answerAssociation(`${PATH}${rna}`)!;
const bodyFor = (rna: string) => JSON.parse(answerFor(rna).body) as unknown;

/** An answer written from API Entreprise's documentation (the fields the parser reads, and a few it ignores). */
const documented = {
  data: {
    rna: 'W301000624',
    ancien_id: '301S0301001688',
    siren: '389486242',
    nom: 'ASSOCIATION SPORTIVE SALINDROISE',
    sigle: null,
    reconnue_utilite_publique: false,
    siret_siege: '38948624200032',
    forme_juridique: { code: '9220', libelle: 'Association déclarée ' },
    regime: 'Loi 1901',
    date_dissolution: null,
    date_publication_journal_officiel: '1955-08-05',
    active: true,
    date_creation: '1955-07-08',
    adresse_siege: {
      complement: null,
      numero_voie: null,
      type_voie: 'RUE',
      libelle_voie: 'de Cambis',
      distribution: null,
      code_insee: '30305',
      code_postal: '30340',
      commune: 'Salindres',
    },
    activites: { objet: 'Pratique du rugby.', objet_social1: { code: '011080', libelle: 'Rugby' } },
    etablissements: [],
  },
  links: {},
  meta: { internal_id: '332408' },
};

describe('normaliseRna', () => {
  it('keeps W and 9 digits (2A / 2B in Corsica), spaces dropped, in capitals', () => {
    expect(normaliseRna('W751234567')).toBe('W751234567');
    expect(normaliseRna(' w75 123 4567 ')).toBe('W751234567');
    expect(normaliseRna('W2A1000123')).toBe('W2A1000123');
    for (const bad of ['W75123456', 'W7512345678', '751234567', 'X751234567', 'W75123456A', 7, null, 'W'.repeat(50)])
      expect(normaliseRna(bad)).toBeNull();
  });
});

describe('parseAssociationAnswer', () => {
  it('reads the documented shape: name, object, seat, declaration and JO dates, state', () => {
    expect(parseAssociationAnswer(documented, 'W301000624')).toEqual<Association>({
      rna: 'W301000624',
      siren: '389486242',
      nom: 'ASSOCIATION SPORTIVE SALINDROISE',
      objet: 'Pratique du rugby.',
      adresse: 'RUE de Cambis 30340 Salindres',
      codePostal: '30340',
      commune: 'Salindres',
      dateDeclaration: '1955-07-08',
      datePublicationJo: '1955-08-05',
      etat: 'active',
      dateDissolution: null,
    });
  });

  it('flags a dissolved association (a dissolution date, or active false)', () => {
    const dissolved = { data: { ...documented.data, date_dissolution: '2021-06-30' } };
    expect(parseAssociationAnswer(dissolved, 'W301000624')).toMatchObject({
      etat: 'dissoute',
      dateDissolution: '2021-06-30',
    });
    const inactive = { data: { ...documented.data, active: false } };
    expect(parseAssociationAnswer(inactive, 'W301000624').etat).toBe('dissoute');
  });

  it('leaves out what is missing or malformed instead of failing', () => {
    const sparse = {
      data: { rna: 'W301000624', nom: 'X', date_creation: '08/07/1955', adresse_siege: null, activites: 'rugby' },
    };
    expect(parseAssociationAnswer(sparse, 'W301000624')).toMatchObject({
      objet: '',
      adresse: '',
      codePostal: null,
      dateDeclaration: null,
      datePublicationJo: null,
      siren: null,
      etat: 'active',
    });
  });

  it('refuses garbage: not the shape, no name, or another association’s answer', () => {
    for (const body of [null, 'data', {}, { data: [] }, { data: { rna: 'W301000624' } }, { data: { nom: 'X' } }])
      expect(() => parseAssociationAnswer(body, 'W301000624')).toThrow(LookupUnavailableError);
    expect(() => parseAssociationAnswer(documented, 'W301000625')).toThrow(LookupUnavailableError);
  });
});

describe('the fake associations’ API', () => {
  it('answers in the documented shape, which the parser reads', () => {
    expect(parseAssociationAnswer(bodyFor('W452001234'), 'W452001234')).toMatchObject({
      nom: 'LES AMIS DU LOIRET',
      adresse: '5 RUE DES FRANCS BOURGEOIS 45000 ORLEANS',
      dateDeclaration: '2019-01-10',
      datePublicationJo: '2019-01-26',
      etat: 'active',
    });
    expect(parseAssociationAnswer(bodyFor('W452005678'), 'W452005678').etat).toBe('dissoute');
  });

  it('answers 404 in API Entreprise’s error shape for an unknown number, null for another path', () => {
    const unknown = answerFor('W999999999');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ errors: [{ title: 'Entité non trouvée' }] });
    expect(answerAssociation('/v3/autre')).toBeNull();
  });

  it('misbehaves on purpose: garbage, 500, slow', () => {
    expect(() => parseAssociationAnswer(bodyFor(MISBEHAVING_RNA.garbage), MISBEHAVING_RNA.garbage)).toThrow();
    expect(answerFor(MISBEHAVING_RNA.error).status).toBe(500);
    expect(answerFor(MISBEHAVING_RNA.slow).delayMs).toBeGreaterThan(5000);
  });
});

describe('HttpAssociationRegistry', () => {
  const fetchFrom = (calls: Array<{ url: string; headers: Record<string, string> }>) =>
    (async (url: string, init?: RequestInit) => {
      calls.push({ url, headers: init?.headers as Record<string, string> });
      const path = new URL(url).pathname.replace(/^\/associations/, '');
      const answer = answerAssociation(path)!;
      return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.type } });
    }) as typeof fetch;

  it('asks API Entreprise’s path with the token as a bearer, its context and recipient; 404 is « unknown »', async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    const registry = new HttpAssociationRegistry({
      baseUrl: 'http://fake/associations/',
      token: 'jeton-de-test-0123456789',
      recipient: '21450234500012',
      fetch: fetchFrom(calls),
    });
    expect((await registry.findByRna('w452 001 234'))?.nom).toBe('LES AMIS DU LOIRET');
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe('/associations/v4/djepva/api-association/associations/open_data/W452001234');
    expect(url.searchParams.get('recipient')).toBe('21450234500012');
    expect(url.searchParams.get('context')).toBeTruthy();
    expect(url.searchParams.get('object')).toBeTruthy();
    expect(calls[0]!.headers.authorization).toBe('Bearer jeton-de-test-0123456789');
    expect(await registry.findByRna('W999999999')).toBeNull();
    await expect(registry.findByRna(MISBEHAVING_RNA.error)).rejects.toThrow(LookupUnavailableError);
    await expect(registry.findByRna(MISBEHAVING_RNA.garbage)).rejects.toThrow(LookupUnavailableError);
    await expect(registry.findByRna('W12')).rejects.toThrow(RangeError);
  });
});

describe('checkRnas', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        asso: {
          type: 'object',
          properties: {
            rna: { type: 'string' },
            nom: { type: 'string' },
            objet: { type: 'string' },
            etat: { type: 'string' },
            provenance: { type: 'string' },
          },
        },
      },
    },
    uiSchema: { asso: { 'ui:widget': 'rna', 'ui:options': { locked: ['nom', 'etat'] } } },
  };
  const registry = (answer: Association | null | Error): AssociationRegistry => ({
    findByRna: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  const amis = parseAssociationAnswer(bodyFor('W452001234'), 'W452001234');

  it('finds the field and its locked values', () => {
    expect(rnaFields(definition)).toEqual([
      { path: ['asso'], fills: ['nom', 'objet', 'etat'], locked: ['nom', 'etat'], keepsProvenance: true },
    ]);
  });

  it('keeps the registry’s values with their provenance, fills a missing locked one', async () => {
    const result = await checkRnas(definition, { asso: { rna: 'w452001234', objet: 'Autre objet' } }, registry(amis));
    expect(result.errors).toEqual([]);
    expect(result.data).toEqual({
      asso: {
        rna: 'W452001234',
        nom: 'LES AMIS DU LOIRET',
        objet: 'Autre objet',
        etat: 'Active',
        provenance: `${RNA_PROVENANCE.verified}, modifiée par l’usager`,
      },
    });
  });

  it('refuses a tampered locked value, an unknown number and a malformed one, with pointers', async () => {
    const tampered = await checkRnas(definition, { asso: { rna: 'W452001234', nom: 'AUTRE' } }, registry(amis));
    expect(tampered.errors).toMatchObject([{ pointer: '/asso/nom', code: 'valeur_verrouillee' }]);
    const unknown = await checkRnas(definition, { asso: { rna: 'W452001239' } }, registry(null));
    expect(unknown.errors).toMatchObject([{ pointer: '/asso/rna', code: 'rna_inconnu' }]);
    const malformed = await checkRnas(definition, { asso: { rna: 'W12' } }, registry(amis));
    expect(malformed.errors).toMatchObject([{ pointer: '/asso/rna', code: 'rna_invalide' }]);
  });

  it('keeps what was typed, unverified, when the registry does not answer', async () => {
    const typed = { asso: { rna: 'W452001234', nom: 'Les amis', etat: 'Dissoute' } };
    const result = await checkRnas(definition, typed, registry(new LookupUnavailableError('timeout')));
    expect(result).toEqual({ errors: [], data: { asso: { ...typed.asso, provenance: RNA_PROVENANCE.typed } } });
  });
});
