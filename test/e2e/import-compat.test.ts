import request from 'supertest';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

/**
 * Import of forms written elsewhere, over HTTP: a public body's draft-07 form
 * (definitions, dependencies, bounded patterns, an ajv-errors annotation, a
 * format Guichet does not know) is converted, not refused; the response says
 * what was converted and what is kept without effect; the published service
 * validates answers as the original schema meant.
 */
describe('import of forms written elsewhere', () => {
  let stack: Stack;
  let designer: Tenant;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack, 'designer');
  });
  afterAll(() => stack?.close());

  /** Draft-07, as a public body publishes it. */
  const publicBodyForm = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Demande de carte de stationnement résident',
    type: 'object',
    definitions: {
      telephone: {
        type: 'string',
        title: 'Téléphone',
        pattern: '^(?:(?:\\+|00)33|0)\\s*[1-9](?:[\\s.-]*\\d{2}){4}$',
        errorMessage: 'Numéro de téléphone français attendu.',
      },
    },
    properties: {
      nom: { type: 'string', title: 'Nom', minLength: 1 },
      telephone: { $ref: '#/definitions/telephone' },
      codePostal: { type: 'string', title: 'Code postal', pattern: '^\\d{5}(?:-\\d{4})?$' },
      iban: { type: 'string', title: 'IBAN', pattern: '^FR\\d{2}(?: ?\\d{4}){5} ?\\d{3}$' },
      immatriculation: { type: 'string', title: 'Immatriculation', format: 'fr-plate' },
      secondVehicule: { type: 'boolean', title: 'Second véhicule' },
      immatriculation2: { type: 'string', title: 'Seconde immatriculation' },
    },
    required: ['nom', 'telephone'],
    dependencies: { secondVehicule: ['immatriculation2'] },
  };

  function importForm(slug: string) {
    return request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({ organisationId: designer.organisationId, file: publicBodyForm, slug });
  }

  /** An anonymous citizen's browser: POST with the CSRF cookie's token. */
  function citizen() {
    const client = new CookieClient();
    return async (path: string, body: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const res = await client.request(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
  }

  it('converts a draft-07 form and returns its warnings, in French, with pointers', async () => {
    const res = await importForm('stationnement-resident').expect(201);
    const schema = res.body.draft.schema;
    expect(schema.$defs.telephone.pattern).toBe(publicBodyForm.definitions.telephone.pattern);
    expect(schema.definitions).toBeUndefined();
    expect(schema.properties.telephone).toEqual({ $ref: '#/$defs/telephone' });
    expect(schema.dependentRequired).toEqual({ secondVehicule: ['immatriculation2'] });
    expect(schema.dependencies).toBeUndefined();
    // Annotations and the unknown format are kept as written.
    expect(schema.$defs.telephone.errorMessage).toBe('Numéro de téléphone français attendu.');
    expect(schema.properties.immatriculation.format).toBe('fr-plate');
    // Authored order, kept through storage.
    expect(Object.keys(schema.properties)).toEqual(Object.keys(publicBodyForm.properties));

    const warnings = res.body.warnings as Array<{ pointer: string; code: string; message: string }>;
    expect(warnings.map((w) => [w.code, w.pointer])).toEqual(
      expect.arrayContaining([
        ['converted', '/definition/schema/$defs'],
        ['converted', '/definition/schema'],
        ['annotation', '/definition/schema/$defs/telephone/errorMessage'],
        ['unknown_format', '/definition/schema/properties/immatriculation/format'],
      ]),
    );
    for (const w of warnings) expect(w.message).toMatch(/[éèàçêô’«]/);
  });

  it('says at import what publishing will ask for: a label for a field RJSF would have titled with its key', async () => {
    const res = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        slug: 'incident-sans-libelle',
        file: {
          title: 'Incident',
          type: 'object',
          properties: { résumé: { type: 'string' }, nombre_postes: { type: 'integer', minimum: 1 } },
        },
      })
      .expect(201);
    const pointer = '/definition/schema/properties/nombre_postes/title';
    // A key that reads as words (« résumé ») is RJSF's label and stays allowed.
    expect(
      (res.body.warnings as Array<{ code: string; pointer: string }>).filter((w) => w.code === 'missing_label'),
    ).toEqual([expect.objectContaining({ pointer, message: expect.stringContaining('nombre_postes') })]);
    const refused = await request(stack.url)
      .post('/api/v1/services/incident-sans-libelle/publish')
      .set('Authorization', designer.auth)
      .expect(422);
    expect(refused.body.code).toBe('DEFINITION_NOT_PUBLISHABLE');
    expect(refused.body.errors.map((e: { pointer: string }) => `/definition${e.pointer}`)).toEqual([pointer]);
  });

  it('publishes it, and the server validates answers as the draft-07 schema meant', async () => {
    await importForm('stationnement-resident-2').expect(201);
    await request(stack.url)
      .post('/api/v1/services/stationnement-resident-2/publish')
      .set('Authorization', designer.auth)
      .expect(201);
    const post = citizen();
    const path = '/api/v1/public/services/stationnement-resident-2/submissions';

    // A bounded pattern still checks: a postal code of four digits is refused with its pointer.
    const badCode = await post(path, { data: { nom: 'Dubois', codePostal: '4500' } });
    expect(badCode.status).toBe(422);
    expect(badCode.body.errors).toContainEqual(expect.objectContaining({ pointer: '/codePostal' }));

    // The unknown format is not checked: any text passes; dependencies became dependentRequired.
    const answers = {
      nom: 'Dubois',
      telephone: '06 12 34 56 78',
      codePostal: '45000',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      immatriculation: 'n’importe quoi',
      secondVehicule: true,
    };
    const draft = await post(path, { data: answers });
    expect(draft.status).toBe(201);
    const missing = await post(`/api/v1/submissions/${String(draft.body.id)}/submit`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ code: 'dependentRequired' }));

    const complete = await post(path, { data: { ...answers, immatriculation2: 'AB-123-CD' } });
    expect(complete.status).toBe(201);
    const filed = await post(`/api/v1/submissions/${String(complete.body.id)}/submit`, {});
    expect(filed.status).toBeLessThan(300);
  });

  it('wraps a scalar root and says so', async () => {
    const res = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          title: 'Votre avis',
          type: 'string',
          maxLength: 500,
        },
        slug: 'avis-libre',
      })
      .expect(201);
    expect(res.body.draft.schema.properties).toEqual({
      reponse: { title: 'Votre avis', type: 'string', maxLength: 500 },
    });
    expect(res.body.draft.pages).toEqual([{ id: 'informations', title: 'Votre avis', fields: ['reponse'] }]);
    expect(res.body.warnings).toContainEqual(
      expect.objectContaining({ code: 'root_wrapped', pointer: '/definition/schema/properties/reponse' }),
    );
  });

  it('still refuses a real ReDoS, a remote $ref and unbounded uniqueItems over objects, in French with pointers', async () => {
    const res = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          type: 'object',
          properties: {
            a: { type: 'string', pattern: '(a+)+$' },
            b: { $ref: 'https://evil.example/schema.json' },
            c: { type: 'array', uniqueItems: true, items: { type: 'object' } },
          },
        },
        slug: 'hostile-import',
        title: 'Hostile',
      })
      .expect(422);
    expect(res.body.code).toBe('DEFINITION_INVALID');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'unsafe_pattern', pointer: '/definition/schema/properties/a/pattern' }),
        expect.objectContaining({ code: 'remote_ref', pointer: '/definition/schema/properties/b/$ref' }),
        expect.objectContaining({
          code: 'unbounded_unique_items',
          pointer: '/definition/schema/properties/c/uniqueItems',
        }),
      ]),
    );
  });

  it('refuses date bounds it could not enforce (not a date, no format, $data), 422 in French with pointers', async () => {
    const res = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          type: 'object',
          properties: {
            debut: { type: 'string', title: 'Début', format: 'date', formatMinimum: 'demain' },
            fin: { type: 'string', title: 'Fin', formatMaximum: '2027-07-03' },
            retour: { type: 'string', title: 'Retour', format: 'date', formatExclusiveMinimum: { $data: '1/fin' } },
          },
        },
        slug: 'bornes-hostiles',
        title: 'Bornes hostiles',
      })
      .expect(422);
    expect(res.body.code).toBe('DEFINITION_INVALID');
    const errors = res.body.errors as Array<{ code: string; pointer: string; message: string }>;
    expect(errors.map((e) => `${e.code} ${e.pointer}`)).toEqual([
      'format_limit /definition/schema/properties/debut/formatMinimum',
      'format_limit /definition/schema/properties/fin/formatMaximum',
      'format_limit /definition/schema/properties/retour/formatExclusiveMinimum',
    ]);
    expect(errors[0]!.message).toContain('« demain » n’est pas une date valide');
  });

  it('enforces date bounds on drafts and at submit, with the bound in French words, and warns about none of them', async () => {
    const imported = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          type: 'object',
          properties: {
            arrivee: { type: 'string', title: 'Date d’arrivée', format: 'date', formatMinimum: '2026-09-01' },
          },
          required: ['arrivee'],
        },
        slug: 'bornes-dates',
        title: 'Bornes de dates',
      })
      .expect(201);
    expect(imported.body.warnings ?? []).toEqual([]);
    await request(stack.url)
      .post('/api/v1/services/bornes-dates/publish')
      .set('Authorization', designer.auth)
      .expect(201);
    const call = citizen();
    // A date already typed is final: the draft save refuses it too.
    const early = await call('/api/v1/public/services/bornes-dates/submissions', { data: { arrivee: '2026-08-31' } });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([
      { pointer: '/arrivee', code: 'formatMinimum', message: 'Saisissez une date à partir du 1er septembre 2026.' },
    ]);
    const onTheDay = await call('/api/v1/public/services/bornes-dates/submissions', {
      data: { arrivee: '2026-09-01' },
    });
    expect(onTheDay.status).toBe(201);
    expect((await call(`/api/v1/submissions/${String(onTheDay.body.id)}/submit`, {})).status).toBe(200);
  });

  it('refuses what no answer could pass or ajv cannot place (a closed base extended, a nullable without type, an empty enum), 422 in French where it is written', async () => {
    const res = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          // An OpenAPI 3.0 component: inheritance from a closed base, as generators write it.
          type: 'object',
          $defs: {
            Personne: {
              type: 'object',
              properties: { nom: { type: 'string', title: 'Nom' } },
              additionalProperties: false,
            },
          },
          properties: {
            demandeur: {
              title: 'Demandeur',
              allOf: [
                { $ref: '#/$defs/Personne' },
                { properties: { siret: { type: 'string', title: 'SIRET' } }, required: ['siret'] },
              ],
            },
            taille: { nullable: true, title: 'Taille' },
            motif: { type: 'string', title: 'Motif', enum: [] },
          },
        },
        slug: 'heritage-ferme',
        title: 'Héritage fermé',
      });
    expect(res.status).toBe(422);
    const errors = res.body.errors as Array<{ code: string; pointer: string; message: string }>;
    expect(errors.map((e) => e.pointer)).toEqual(
      expect.arrayContaining([
        '/definition/schema/properties/taille/nullable',
        '/definition/schema/properties/motif/enum',
      ]),
    );
    // The closed base is said once the schema compiles (the policy's refusals come first).
    const fixed = await request(stack.url)
      .post('/api/v1/services/import')
      .set('Authorization', designer.auth)
      .send({
        organisationId: designer.organisationId,
        file: {
          type: 'object',
          $defs: {
            Personne: {
              type: 'object',
              properties: { nom: { type: 'string', title: 'Nom' } },
              additionalProperties: false,
            },
          },
          properties: {
            demandeur: {
              title: 'Demandeur',
              allOf: [
                { $ref: '#/$defs/Personne' },
                { properties: { siret: { type: 'string', title: 'SIRET' } }, required: ['siret'] },
              ],
            },
          },
        },
        slug: 'heritage-ferme-2',
        title: 'Héritage fermé',
      });
    expect(fixed.status).toBe(422);
    expect(fixed.body.errors).toEqual([
      expect.objectContaining({
        code: 'closed_all_of',
        pointer: '/definition/schema/properties/demandeur/allOf/0/$ref',
      }),
    ]);
    expect(fixed.body.errors[0].message).toContain('unevaluatedProperties');
    for (const e of errors) expect(e.message).toMatch(/[éèàçù«]/);
  });
});
